<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * AUTH (when the URL has a password), then PING, expecting +PONG, in a few RESP commands so
 * the app needs no client extension; once you use one (phpredis, Predis), replace this with
 * its ping. Works for Redis and Valkey alike. Errors such as -NOAUTH, -WRONGPASS or -LOADING
 * (still reading its dataset) mean not ready. rediss:// connects over TLS.
 */
final class RedisProbe implements Probe
{
    public function schemes(): array
    {
        return ['redis', 'rediss'];
    }

    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void
    {
        [$host, $port] = Wire::endpoint($url, 6379);
        $parts = parse_url($url) ?: [];
        $username = rawurldecode((string) ($parts['user'] ?? ''));
        $password = rawurldecode((string) ($parts['pass'] ?? ''));
        $tls = str_starts_with(strtolower($url), 'rediss:');

        Wire::converse($host, $port, $timeoutMs, static function (Wire $wire) use ($username, $password): void {
            if ($password !== '') {
                // redis://:secret@host is password-only AUTH (the "default" user).
                self::command($wire, $username === '' ? ['AUTH', $password] : ['AUTH', $username, $password], 'AUTH');
            }
            $reply = self::command($wire, ['PING'], 'PING');
            if ($reply !== '+PONG') {
                throw new \RuntimeException(sprintf('unexpected PING reply %s', json_encode($reply)));
            }
        }, $tls);
    }

    /**
     * Sends a RESP array of bulk strings and returns the one-line reply.
     *
     * @param list<string> $args
     */
    private static function command(Wire $wire, array $args, string $label): string
    {
        $request = '*' . count($args) . "\r\n";
        foreach ($args as $arg) {
            $request .= '$' . strlen($arg) . "\r\n" . $arg . "\r\n";
        }
        $wire->write($request);
        $reply = $wire->readLine();
        // The error text never contains the password: servers don't echo it.
        if (str_starts_with($reply, '-')) {
            throw new \RuntimeException(sprintf('%s rejected: %s', $label, substr($reply, 1)));
        }
        return $reply;
    }
}
