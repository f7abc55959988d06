<?php

declare(strict_types=1);

namespace App;

/**
 * One JSON object per line on stdout: log collectors (Docker, Kubernetes, Loki, ...) parse
 * it without any configuration. FrankenPHP's own log lines are JSON on stdout too.
 */
final class Logger
{
    public const LEVELS = ['debug', 'info', 'warn', 'error'];

    /** @var resource|null Opened once per process (per request in classic mode). */
    private static $stdout = null;

    private readonly int $threshold;

    /** @var \Closure(string): void */
    private readonly \Closure $sink;

    /**
     * @param callable(string): void|null $sink receives each line with its newline; stdout by default
     */
    public function __construct(string $level = 'info', ?callable $sink = null)
    {
        $index = array_search($level, self::LEVELS, true);
        $this->threshold = $index === false ? 1 : $index;
        $this->sink = $sink === null ? self::stdoutSink(...) : \Closure::fromCallable($sink);
    }

    /** @param array<string, mixed> $fields */
    public function debug(string $msg, array $fields = []): void
    {
        $this->log('debug', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    public function info(string $msg, array $fields = []): void
    {
        $this->log('info', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    public function warn(string $msg, array $fields = []): void
    {
        $this->log('warn', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    public function error(string $msg, array $fields = []): void
    {
        $this->log('error', $msg, $fields);
    }

    /** @param array<string, mixed> $fields */
    private function log(string $level, string $msg, array $fields): void
    {
        if (array_search($level, self::LEVELS, true) < $this->threshold) {
            return;
        }
        $entry = ['time' => self::now(), 'level' => $level, 'msg' => $msg];
        // Caller fields never overwrite time/level/msg, which collectors key on.
        foreach ($fields as $key => $value) {
            if (!array_key_exists($key, $entry)) {
                $entry[$key] = self::jsonSafe($value);
            }
        }
        ($this->sink)(self::encode($entry) . "\n");
    }

    /** RFC 3339 in UTC with milliseconds, like JavaScript's toISOString(). */
    private static function now(): string
    {
        return (new \DateTimeImmutable('now', new \DateTimeZone('UTC')))->format('Y-m-d\TH:i:s.v\Z');
    }

    /** @param array<string, mixed> $entry */
    private static function encode(array $entry): string
    {
        $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION;
        $line = json_encode($entry, $flags | JSON_PARTIAL_OUTPUT_ON_ERROR);
        // A log call must never throw: keep the line even if a field cannot be encoded.
        return $line !== false ? $line : (string) json_encode(
            ['time' => $entry['time'], 'level' => $entry['level'], 'msg' => $entry['msg'], 'logError' => 'fields not serializable'],
            $flags,
        );
    }

    /** json_encode turns an exception into {}; keep its class and message instead. */
    private static function jsonSafe(mixed $value): mixed
    {
        if ($value instanceof \Throwable) {
            $error = ['name' => $value::class, 'message' => $value->getMessage()];
            if ($value->getCode() !== 0) {
                $error['code'] = $value->getCode();
            }
            $error['stack'] = $value->getTraceAsString();
            if ($value->getPrevious() !== null) {
                $error['cause'] = self::jsonSafe($value->getPrevious());
            }
            return $error;
        }
        if (is_array($value)) {
            return array_map(self::jsonSafe(...), $value);
        }
        return $value;
    }

    private static function stdoutSink(string $line): void
    {
        // php://stdout is the server process's own stdout (what `docker logs` shows), in
        // FrankenPHP and in `php -S` alike; `echo` would go into the HTTP response instead.
        self::$stdout ??= fopen('php://stdout', 'wb');
        if (self::$stdout !== false) {
            fwrite(self::$stdout, $line);
        }
    }
}
