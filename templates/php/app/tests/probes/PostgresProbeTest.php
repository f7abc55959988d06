<?php

declare(strict_types=1);

namespace Tests\Probes;

use App\Probes\PostgresProbe;
use App\Probes\ProbeFailure;
use Tests\TestCase;

final class PostgresProbeTest extends TestCase
{
    // Generous, so a loaded CI machine never turns a slow answer into a failure; the
    // timeout tests pass their own short one.
    private const TIMEOUT_MS = 10_000;

    public function testReadyWhenTheServerAsksForAuthenticationSendingUserAndDatabase(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::message('R', pack('N', 10) . "SCRAM-SHA-256\0\0"))]);
        (new PostgresProbe())->check("postgres://app%40corp:secret@127.0.0.1:{$server->port}/orders%20db", self::TIMEOUT_MS);
        $startup = $server->finish();
        self::assertSame(196_608, $startup['protocol']);
        self::assertSame(['user' => 'app@corp', 'database' => 'orders db', 'application_name' => 'readiness-probe'], $startup['parameters']);
        self::assertStringNotContainsString('secret', json_encode($startup), 'no password is sent');
    }

    public function testDefaultsTheUserToPostgresAndTheDatabaseToTheUser(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::message('R', pack('N', 0)))]);
        (new PostgresProbe())->check("postgresql://127.0.0.1:{$server->port}", self::TIMEOUT_MS);
        self::assertSame(['user' => 'postgres', 'database' => 'postgres', 'application_name' => 'readiness-probe'], $server->finish()['parameters']);
    }

    public function testNotReadyOnAnErrorResponseReportingItsSqlstate(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::error('57P03', 'the database system is starting up'))]);
        self::assertThrows(
            ProbeFailure::class,
            fn () => (new PostgresProbe())->check("postgres://u:p@127.0.0.1:{$server->port}/db", self::TIMEOUT_MS),
            "/^127\\.0\\.0\\.1:{$server->port}: not ready: 57P03 the database system is starting up$/",
        );
        $server->finish();
    }

    public function testAnAuthenticationFailureStillMeansTheServerIsUp(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::error('28P01', 'password authentication failed'))]);
        (new PostgresProbe())->check("postgres://u:p@127.0.0.1:{$server->port}/db", self::TIMEOUT_MS);
        $server->finish();
    }

    public function testRejectsAServerThatIsNotPostgres(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode("HTTP/1.1 400 Bad Request\r\n\r\n")]);
        self::assertThrows(ProbeFailure::class, fn () => (new PostgresProbe())->check("postgres://127.0.0.1:{$server->port}", self::TIMEOUT_MS), '/not a PostgreSQL server/');
        $server->finish();
    }

    public function testTimesOutAgainstAServerThatNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::silent');
        self::assertThrows(ProbeFailure::class, fn () => (new PostgresProbe())->check("postgres://127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    public function testReportsARefusedConnection(): void
    {
        $port = FakeServer::closedPort();
        self::assertThrows(ProbeFailure::class, fn () => (new PostgresProbe())->check("postgres://127.0.0.1:{$port}/db", self::TIMEOUT_MS), "/^127\\.0\\.0\\.1:{$port}: .*refused/i");
    }

    // --- Server side

    /**
     * Reads the StartupMessage, sends the scripted reply and returns what the probe sent.
     *
     * @param array{reply: string} $args
     *
     * @return array{protocol: int, parameters: array<string, string>}
     */
    public static function answer(Peer $peer, array $args): array
    {
        $length = unpack('N', $peer->read(4))[1];
        $body = $peer->read($length - 4);
        $protocol = unpack('N', $body)[1];
        self::assertTrue(str_ends_with($body, "\0\0"), 'parameter list ends with an empty name');
        $pairs = explode("\0", substr($body, 4, -2));
        $parameters = [];
        for ($i = 0; $i + 1 < count($pairs); $i += 2) {
            $parameters[$pairs[$i]] = $pairs[$i + 1];
        }
        $peer->write(base64_decode($args['reply'], true));
        $peer->waitForHangup();
        return ['protocol' => $protocol, 'parameters' => $parameters];
    }

    public static function silent(Peer $peer): void
    {
        $peer->waitForHangup();
    }

    private static function message(string $type, string $body): string
    {
        return $type . pack('N', 4 + strlen($body)) . $body;
    }

    private static function error(string $code, string $message): string
    {
        return self::message('E', "SFATAL\0C{$code}\0M{$message}\0\0");
    }
}
