<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * Shared plumbing for the probes: open one TCP (or TLS) connection, run a short
 * request/response exchange, and give up after a deadline that covers connect, handshake
 * and every read.
 */
final class Wire
{
    public const DEFAULT_TIMEOUT_MS = 2_000;

    // A misbehaving server must not make the probe buffer without bound.
    private const MAX_LINE_BYTES = 64 * 1024;

    private string $buffer = '';

    /** @param resource $socket */
    private function __construct(
        private $socket,
        private readonly string $where,
        private readonly int $deadlineNs,
        private readonly int $timeoutMs,
    ) {
    }

    /**
     * Host and port of a URL; IPv6 literals lose their brackets and user info is skipped.
     *
     * @return array{0: string, 1: int}
     */
    public static function endpoint(string $url, int $defaultPort): array
    {
        if (preg_match('#^[a-z][a-z0-9+.-]*://(?:[^@/?\#]*@)?(\[[^\]]*\]|[^:/?\#]*)(?::(\d*))?#i', $url, $m) !== 1 || $m[1] === '') {
            throw new \InvalidArgumentException('no host in the URL');
        }
        $host = trim($m[1], '[]');
        $port = ($m[2] ?? '') === '' ? $defaultPort : (int) $m[2];
        if ($port < 1 || $port > 65_535) {
            throw new \InvalidArgumentException(sprintf('invalid port %d in the URL', $port));
        }
        return [rawurldecode($host), $port];
    }

    /**
     * Connects, hands the connection to $talk and closes it. Every failure, the probe's own
     * verdicts included, comes out as an exception whose message starts with "host:port: ".
     *
     * @template T
     *
     * @param callable(Wire): T $talk
     *
     * @return T
     */
    public static function converse(string $host, int $port, int $timeoutMs, callable $talk, bool $tls = false): mixed
    {
        $where = $host . ':' . $port;
        $deadlineNs = hrtime(true) + $timeoutMs * 1_000_000;
        $isIp = filter_var($host, FILTER_VALIDATE_IP) !== false;
        $address = sprintf('%s://%s:%d', $tls ? 'tls' : 'tcp', str_contains($host, ':') ? "[$host]" : $host, $port);
        // The system's CA bundle verifies the server; SNI needs a host name, never an IP literal.
        $context = stream_context_create(['ssl' => $isIp ? ['SNI_enabled' => false] : ['peer_name' => $host]]);

        $errno = 0;
        $errstr = '';
        $socket = @stream_socket_client($address, $errno, $errstr, $timeoutMs / 1000, STREAM_CLIENT_CONNECT, $context);
        if ($socket === false) {
            $reason = $errstr !== '' ? $errstr : (error_get_last()['message'] ?? 'connection failed');
            throw new ProbeFailure(sprintf('%s: %s', $where, $reason));
        }
        try {
            return $talk(new self($socket, $where, $deadlineNs, $timeoutMs));
        } catch (ProbeFailure $failure) {
            throw $failure;
        } catch (\Throwable $error) {
            // Protocol-level verdicts from the probe get the same "host:port:" prefix.
            throw new ProbeFailure(sprintf('%s: %s', $where, $error->getMessage()), 0, $error);
        } finally {
            fclose($socket);
        }
    }

    public function write(string $data): void
    {
        while ($data !== '') {
            $this->arm();
            $written = @fwrite($this->socket, $data);
            if ($written === false || $written === 0) {
                $this->fail(stream_get_meta_data($this->socket)['timed_out'] ? $this->timedOut() : 'connection closed by the server');
            }
            $data = substr($data, $written);
        }
    }

    /** Exactly $length bytes. */
    public function read(int $length): string
    {
        while (strlen($this->buffer) < $length) {
            $this->fill();
        }
        $chunk = substr($this->buffer, 0, $length);
        $this->buffer = substr($this->buffer, $length);
        return $chunk;
    }

    /** The next CRLF-terminated line, without the CRLF. */
    public function readLine(): string
    {
        while (($end = strpos($this->buffer, "\r\n")) === false) {
            if (strlen($this->buffer) > self::MAX_LINE_BYTES) {
                $this->fail('reply line too long');
            }
            $this->fill();
        }
        $line = substr($this->buffer, 0, $end);
        $this->buffer = substr($this->buffer, $end + 2);
        return $line;
    }

    /**
     * Waits for more bytes. A server may send its final answer and hang up at once, so a
     * closed connection only fails a read that the bytes already received cannot satisfy.
     */
    private function fill(): void
    {
        $this->arm();
        $chunk = @fread($this->socket, 65_536);
        if ($chunk === false || $chunk === '') {
            if (stream_get_meta_data($this->socket)['timed_out']) {
                $this->fail($this->timedOut());
            }
            if (feof($this->socket) || $chunk === false) {
                $this->fail('connection closed by the server');
            }
            return;
        }
        $this->buffer .= $chunk;
    }

    /** Limits the next socket operation to the time left before the deadline. */
    private function arm(): void
    {
        $left = $this->deadlineNs - hrtime(true);
        if ($left <= 0) {
            $this->fail($this->timedOut());
        }
        stream_set_timeout($this->socket, intdiv($left, 1_000_000_000), intdiv($left % 1_000_000_000, 1_000));
    }

    private function timedOut(): string
    {
        return sprintf('no answer within %d ms', $this->timeoutMs);
    }

    private function fail(string $reason): never
    {
        throw new ProbeFailure(sprintf('%s: %s', $this->where, $reason));
    }
}
