<?php

declare(strict_types=1);

namespace Tests\Probes;

use App\Probes\ProbeFailure;
use App\Probes\RedisProbe;
use Tests\TestCase;

final class RedisProbeTest extends TestCase
{
    // Generous, so a loaded CI machine never turns a slow answer into a failure; the
    // timeout tests pass their own short one.
    private const TIMEOUT_MS = 10_000;

    public function testReadyOnPongWithoutAuthWhenTheUrlHasNoPassword(): void
    {
        $server = new FakeServer(self::class . '::serve', ['replies' => ['+PONG']]);
        (new RedisProbe())->check("redis://127.0.0.1:{$server->port}/0", self::TIMEOUT_MS);
        self::assertSame([['PING']], $server->finish());
    }

    public function testSendsAuthWithUsernameAndPasswordFirst(): void
    {
        $server = new FakeServer(self::class . '::serve', ['replies' => ['+OK', '+PONG']]);
        (new RedisProbe())->check("redis://probe:p%40ss@127.0.0.1:{$server->port}", self::TIMEOUT_MS);
        self::assertSame([['AUTH', 'probe', 'p@ss'], ['PING']], $server->finish());
    }

    public function testPasswordOnlyUrlsSendTheOneArgumentAuth(): void
    {
        $server = new FakeServer(self::class . '::serve', ['replies' => ['+OK', '+PONG']]);
        (new RedisProbe())->check("redis://:dev-only-password@127.0.0.1:{$server->port}/0", self::TIMEOUT_MS);
        self::assertSame([['AUTH', 'dev-only-password'], ['PING']], $server->finish());
    }

    public function testNotReadyWhenTheServerRefusesWithItsMessage(): void
    {
        $server = new FakeServer(self::class . '::serve', ['replies' => ['-WRONGPASS invalid username-password pair or user is disabled.']]);
        self::assertThrows(
            ProbeFailure::class,
            fn () => (new RedisProbe())->check("redis://:nope@127.0.0.1:{$server->port}", self::TIMEOUT_MS),
            '/: AUTH rejected: WRONGPASS invalid username-password pair/',
        );
        $server->finish();
    }

    public function testNotReadyWhileLoading(): void
    {
        $server = new FakeServer(self::class . '::serve', ['replies' => ['-LOADING Redis is loading the dataset in memory']]);
        self::assertThrows(ProbeFailure::class, fn () => (new RedisProbe())->check("redis://127.0.0.1:{$server->port}", self::TIMEOUT_MS), '/PING rejected: LOADING/');
        $server->finish();
    }

    public function testRedissStartsATlsHandshake(): void
    {
        $server = new FakeServer(self::class . '::tlsHello');
        self::assertThrows(ProbeFailure::class, fn () => (new RedisProbe())->check("rediss://127.0.0.1:{$server->port}", 1000));
        self::assertSame(0x16, $server->finish(), 'a TLS handshake record');
    }

    public function testTimesOutAgainstAServerThatNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::silent');
        self::assertThrows(ProbeFailure::class, fn () => (new RedisProbe())->check("redis://127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    // --- Server side

    /**
     * Answers each RESP command with the next scripted reply; returns the commands.
     *
     * @param array{replies: list<string>} $args
     *
     * @return list<list<string>>
     */
    public static function serve(Peer $peer, array $args): array
    {
        $commands = [];
        foreach ($args['replies'] as $reply) {
            $header = $peer->readLine();
            self::assertMatchesRegularExpression('/^\*\d+$/', $header);
            $command = [];
            for ($i = 0; $i < (int) substr($header, 1); $i++) {
                $length = (int) substr($peer->readLine(), 1);
                $command[] = $peer->read($length);
                self::assertSame('', $peer->readLine());
            }
            $commands[] = $command;
            $peer->write($reply . "\r\n");
        }
        $peer->waitForHangup();
        return $commands;
    }

    public static function tlsHello(Peer $peer): int
    {
        $first = ord($peer->read(1));
        $peer->close();
        return $first;
    }

    public static function silent(Peer $peer): void
    {
        $peer->waitForHangup();
    }
}
