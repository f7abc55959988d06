<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * A readiness probe: speaks just enough of one service's wire protocol, with PHP's
 * standard library only, to tell whether it answers. Once the app uses a real client
 * (PDO, phpredis, ...), replace the probe with that client's ping.
 */
interface Probe
{
    /** @return list<string> URL schemes the probe understands, without "://" */
    public function schemes(): array;

    /**
     * Returns when the service answers; throws an exception with a readable message
     * ("host:port: ...") otherwise. The timeout covers connect and the whole exchange.
     */
    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void;
}
