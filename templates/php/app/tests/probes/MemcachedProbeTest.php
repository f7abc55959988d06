<?php

declare(strict_types=1);

namespace Tests\Probes;

use App\Probes\MemcachedProbe;
use App\Probes\ProbeFailure;
use Tests\TestCase;

final class MemcachedProbeTest extends TestCase
{
    // Generous, so a loaded CI machine never turns a slow answer into a failure; the
    // timeout tests pass their own short one.
    private const TIMEOUT_MS = 10_000;

    public function testReadyOnVersion(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => "VERSION 1.6.39\r\n"]);
        (new MemcachedProbe())->check("memcached://127.0.0.1:{$server->port}", self::TIMEOUT_MS);
        self::assertSame('version', $server->finish());
    }

    public function testNotReadyOnAnyOtherReply(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => "ERROR\r\n"]);
        self::assertThrows(ProbeFailure::class, fn () => (new MemcachedProbe())->check("memcached://127.0.0.1:{$server->port}", self::TIMEOUT_MS), '/unexpected reply "ERROR"$/');
        $server->finish();
    }

    public function testTimesOutAgainstAServerThatNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::silent');
        self::assertThrows(ProbeFailure::class, fn () => (new MemcachedProbe())->check("memcached://127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    /** @param array{reply: string} $args */
    public static function answer(Peer $peer, array $args): string
    {
        $command = $peer->readLine();
        $peer->write($args['reply']);
        $peer->waitForHangup();
        return $command;
    }

    public static function silent(Peer $peer): void
    {
        $peer->waitForHangup();
    }
}
