<?php

declare(strict_types=1);

namespace App;

/**
 * All settings come from the environment (12-factor); nothing is read from files.
 *
 * FrankenPHP itself reads PORT, HOST, LOG_LEVEL and the SHUTDOWN_* settings from its
 * Caddyfile; they are validated here too, so bin/preflight.php refuses a typo with one
 * clear line before the server starts.
 */
final class Config
{
    /** Caddy durations and PHP ints both stay exact below this (about 24 days). */
    private const MAX_TIMEOUT_MS = 2_147_483_647;

    /**
     * @param list<array{dependency: Dependency, url: string}> $dependencies each configured
     *        dependency with its URL, in declaration order
     */
    public function __construct(
        public readonly string $host,
        public readonly int $port,
        public readonly string $logLevel,
        public readonly int $shutdownTimeoutMs,
        public readonly int $shutdownDelayMs,
        public readonly array $dependencies,
    ) {
    }

    /**
     * @param callable(string): (string|false|null) $env   looks a variable up, e.g. getenv(...)
     * @param list<Dependency>                      $dependencies
     *
     * @throws ConfigError listing every invalid or missing setting
     */
    public static function load(callable $env, int $defaultPort, array $dependencies): self
    {
        $problems = [];
        // Compose and Helm often render unset values as empty strings: treat them as unset.
        $read = static function (string $key) use ($env): ?string {
            $value = $env($key);
            $value = is_string($value) ? trim($value) : '';
            return $value === '' ? null : $value;
        };

        $port = self::integer($read('PORT'), $defaultPort, 1, 65_535, 'PORT', $problems);
        $timeout = self::integer($read('SHUTDOWN_TIMEOUT_MS'), 10_000, 0, self::MAX_TIMEOUT_MS, 'SHUTDOWN_TIMEOUT_MS', $problems);
        $delay = self::integer($read('SHUTDOWN_DELAY_MS'), 0, 0, self::MAX_TIMEOUT_MS, 'SHUTDOWN_DELAY_MS', $problems);

        $host = $read('HOST') ?? '0.0.0.0';
        if (preg_match('/^[A-Za-z0-9.:_-]+$/', $host) !== 1) {
            $problems[] = sprintf('HOST must be an IP address or host name, got "%s"', $host);
        }

        $logLevel = strtolower($read('LOG_LEVEL') ?? 'info');
        if (!in_array($logLevel, Logger::LEVELS, true)) {
            $problems[] = sprintf('LOG_LEVEL must be one of %s, got "%s"', implode(', ', Logger::LEVELS), $logLevel);
        }

        $configured = [];
        foreach ($dependencies as $dependency) {
            $url = $read($dependency->env);
            if ($url === null) {
                $problems[] = sprintf('%s is required (%s connection URL)', $dependency->env, $dependency->name);
                continue;
            }
            // Only the scheme is checked here: the URL may carry credentials, so it is never
            // echoed back into logs.
            $schemes = $dependency->probe->schemes();
            $scheme = preg_match('/^([a-z][a-z0-9+.-]*):\/\//i', $url, $m) === 1 ? strtolower($m[1]) : null;
            if ($scheme === null || !in_array($scheme, $schemes, true)) {
                $problems[] = sprintf(
                    '%s must be a URL starting with %s',
                    $dependency->env,
                    implode(' or ', array_map(static fn (string $s): string => $s . '://', $schemes)),
                );
                continue;
            }
            $configured[] = ['dependency' => $dependency, 'url' => $url];
        }

        if ($problems !== []) {
            throw new ConfigError($problems);
        }
        return new self($host, $port, $logLevel, $timeout, $delay, $configured);
    }

    /** @param list<string> $problems */
    private static function integer(?string $raw, int $fallback, int $min, int $max, string $key, array &$problems): int
    {
        if ($raw === null) {
            return $fallback;
        }
        // (int) would accept "1e3", "0x10" and "12abc": a typo should fail loudly instead.
        if (preg_match('/^\d{1,10}$/', $raw) !== 1 || (int) $raw < $min || (int) $raw > $max) {
            $problems[] = sprintf('%s must be an integer between %d and %d, got "%s"', $key, $min, $max, $raw);
            return $fallback;
        }
        return (int) $raw;
    }
}
