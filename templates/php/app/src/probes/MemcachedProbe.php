<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * The text protocol's `version` command, so the app needs no client extension; once you use
 * one (the memcached extension), replace this with its version/stats call.
 * `VERSION x.y.z` means ready; anything else (ERROR...) does not.
 */
final class MemcachedProbe implements Probe
{
    public function schemes(): array
    {
        return ['memcached'];
    }

    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void
    {
        [$host, $port] = Wire::endpoint($url, 11211);

        Wire::converse($host, $port, $timeoutMs, static function (Wire $wire): void {
            $wire->write("version\r\n");
            $reply = $wire->readLine();
            if (!str_starts_with($reply, 'VERSION ')) {
                throw new \RuntimeException(sprintf('unexpected reply %s', json_encode($reply)));
            }
        });
    }
}
