<?php

declare(strict_types=1);

namespace Tests\Probes;

use Tests\AssertionFailed;

/**
 * The server side of the MySQL protocol for MysqlProbeTest: frames packets, checks the
 * probe's sequence ids, builds greetings and checks scrambles the way mysqld does.
 */
final class FakeMysqlConnection
{
    public const CLIENT_LONG_PASSWORD = 0x1;
    public const CLIENT_CONNECT_WITH_DB = 0x8;
    public const CLIENT_PROTOCOL_41 = 0x200;
    public const CLIENT_SECURE_CONNECTION = 0x8000;
    public const CLIENT_PLUGIN_AUTH = 0x80000;
    public const SERVER_CAPABILITIES = 0xf7fe | (0x81bf << 16) | self::CLIENT_LONG_PASSWORD;
    public const OK = "\x00\x00\x00\x02\x00\x00\x00";

    /** Sequence id of the next packet sent. */
    public int $sequence = 0;

    public function __construct(public readonly Peer $peer)
    {
    }

    /** Next packet from the probe; its sequence id must follow ours. */
    public function receive(): string
    {
        $header = $this->peer->read(4);
        $length = unpack('V', substr($header, 0, 3) . "\0")[1];
        if (ord($header[3]) !== $this->sequence) {
            throw new AssertionFailed(sprintf('client sequence id %d, expected %d', ord($header[3]), $this->sequence));
        }
        $this->sequence = ($this->sequence + 1) & 0xff;
        return $this->peer->read($length);
    }

    public function send(string $payload): void
    {
        $this->peer->write($this->frame($payload));
    }

    public function frame(string $payload): string
    {
        $header = substr(pack('V', strlen($payload)), 0, 3) . chr($this->sequence);
        $this->sequence = ($this->sequence + 1) & 0xff;
        return $header . $payload;
    }

    /** COM_QUIT with sequence id 0 (a new command), then the probe hangs up. */
    public function expectQuit(): void
    {
        $this->sequence = 0;
        if ($this->receive() !== "\x01") {
            throw new AssertionFailed('expected COM_QUIT');
        }
        $this->peer->waitForHangup();
    }

    public static function greeting(string $plugin, string $nonce, int $capabilities = self::SERVER_CAPABILITIES): string
    {
        return "\x0a" . "8.4.3\0"
            . pack('V', 42) // connection id
            . substr($nonce, 0, 8) . "\0"
            . pack('v', $capabilities & 0xffff)
            . chr(255) // utf8mb4_0900_ai_ci
            . pack('v', 0x0002) // SERVER_STATUS_AUTOCOMMIT
            . pack('v', $capabilities >> 16)
            . chr(21) // nonce length, NUL included
            . str_repeat("\0", 10)
            . substr($nonce, 8) . "\0"
            . $plugin . "\0";
    }

    public static function errPacket(int $code, string $message, ?string $sqlState = null): string
    {
        return "\xff" . pack('v', $code) . ($sqlState === null ? '' : '#' . $sqlState) . $message;
    }

    /** Like mysqld: 20 printable-ish bytes, never NUL. */
    public static function nonce(): string
    {
        $nonce = '';
        foreach (str_split(random_bytes(20)) as $byte) {
            $nonce .= chr((ord($byte) & 0x7f) ?: 1);
        }
        return $nonce;
    }

    /**
     * @return array{flags: int, charset: int, user: string, authData: string, database: ?string, plugin: string}
     */
    public static function parseHandshakeResponse(string $payload): array
    {
        $flags = unpack('V', $payload)[1];
        $charset = ord($payload[8]);
        if (substr($payload, 9, 23) !== str_repeat("\0", 23)) {
            throw new AssertionFailed('expected 23 zero bytes');
        }
        $offset = 32;
        $cstring = static function () use ($payload, &$offset): string {
            $end = strpos($payload, "\0", $offset);
            if ($end === false) {
                throw new AssertionFailed('expected a NUL-terminated string');
            }
            $text = substr($payload, $offset, $end - $offset);
            $offset = $end + 1;
            return $text;
        };
        $user = $cstring();
        $authLength = ord($payload[$offset]);
        $authData = substr($payload, $offset + 1, $authLength);
        $offset += 1 + $authLength;
        $database = ($flags & self::CLIENT_CONNECT_WITH_DB) !== 0 ? $cstring() : null;
        $plugin = $cstring();
        if ($offset !== strlen($payload)) {
            throw new AssertionFailed('nothing may follow the plugin name');
        }
        return ['flags' => $flags, 'charset' => $charset, 'user' => $user, 'authData' => $authData, 'database' => $database, 'plugin' => $plugin];
    }

    /** What mysqld does: it stores SHA1(SHA1(password)) and never sees the password. */
    public static function nativePasswordMatches(string $authData, string $nonce, string $password): bool
    {
        $stored = sha1(sha1($password, true), true);
        $candidate = $authData ^ sha1($nonce . $stored, true);
        return strlen($authData) === 20 && sha1($candidate, true) === $stored;
    }

    /** caching_sha2_password fast path: the server caches SHA256(SHA256(password)). */
    public static function sha2PasswordMatches(string $authData, string $nonce, string $password): bool
    {
        $cached = hash('sha256', hash('sha256', $password, true), true);
        $candidate = $authData ^ hash('sha256', $cached . $nonce, true);
        return strlen($authData) === 32 && hash('sha256', $candidate, true) === $cached;
    }
}
