<?php

declare(strict_types=1);

namespace Tests\Probes;

/** The fake server's side of one connection, with blocking reads bounded by a timeout. */
final class Peer
{
    private string $buffer = '';

    /** @param resource $socket */
    public function __construct(private $socket, private readonly float $timeoutSeconds = 5.0)
    {
        stream_set_timeout($this->socket, (int) $timeoutSeconds, (int) (fmod($timeoutSeconds, 1) * 1e6));
    }

    /** Exactly $length bytes from the probe. */
    public function read(int $length): string
    {
        while (strlen($this->buffer) < $length) {
            $this->fill();
        }
        $data = substr($this->buffer, 0, $length);
        $this->buffer = substr($this->buffer, $length);
        return $data;
    }

    /** The next CRLF-terminated line from the probe, without the CRLF. */
    public function readLine(): string
    {
        while (($end = strpos($this->buffer, "\r\n")) === false) {
            $this->fill();
        }
        $line = substr($this->buffer, 0, $end);
        $this->buffer = substr($this->buffer, $end + 2);
        return $line;
    }

    public function write(string $data): void
    {
        fwrite($this->socket, $data);
        fflush($this->socket);
    }

    /** Sends $data in separate TCP writes of $size bytes, to exercise reassembly. */
    public function writeInChunks(string $data, int $size): void
    {
        foreach (str_split($data, $size) as $chunk) {
            $this->write($chunk);
            usleep(5_000);
        }
    }

    /** Returns once the probe has closed the connection, with anything it sent meanwhile. */
    public function waitForHangup(): string
    {
        $rest = $this->buffer;
        $this->buffer = '';
        $deadline = microtime(true) + $this->timeoutSeconds;
        while (!feof($this->socket) && microtime(true) < $deadline) {
            $chunk = fread($this->socket, 65_536);
            if ($chunk === false) {
                break;
            }
            $rest .= $chunk;
        }
        if (!feof($this->socket)) {
            throw new \RuntimeException('the probe did not hang up');
        }
        return $rest;
    }

    public function close(): void
    {
        fclose($this->socket);
    }

    private function fill(): void
    {
        $chunk = fread($this->socket, 65_536);
        if ($chunk === false || $chunk === '') {
            if (stream_get_meta_data($this->socket)['timed_out']) {
                throw new \RuntimeException('timed out waiting for the probe');
            }
            if (feof($this->socket)) {
                throw new \RuntimeException('the probe hung up');
            }
            return;
        }
        $this->buffer .= $chunk;
    }
}
