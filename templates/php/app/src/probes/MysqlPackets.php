<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * MySQL packet framing: a 3-byte little-endian payload length, a 1-byte sequence id and the
 * payload. Sequence ids count up across both directions within one exchange (greeting 0,
 * our response 1, ...).
 */
final class MysqlPackets
{
    private int $sequence = 0;

    public function __construct(
        private readonly Wire $wire,
        private readonly int $maxPayload,
    ) {
    }

    public function read(): string
    {
        $header = $this->wire->read(4);
        $length = unpack('V', substr($header, 0, 3) . "\0")[1];
        $sequence = ord($header[3]);
        if ($length === 0 || $length > $this->maxPayload) {
            throw new \RuntimeException(sprintf('unexpected %d-byte packet: not a MySQL server?', $length));
        }
        if ($sequence !== $this->sequence) {
            throw new \RuntimeException(sprintf('packet out of order: sequence id %d, expected %d', $sequence, $this->sequence));
        }
        $this->sequence = ($this->sequence + 1) & 0xff;
        return $this->wire->read($length);
    }

    public function write(string $payload): void
    {
        $header = substr(pack('V', strlen($payload)), 0, 3) . chr($this->sequence);
        $this->sequence = ($this->sequence + 1) & 0xff;
        $this->wire->write($header . $payload);
    }

    /** A new command starts a new exchange: sequence id 0. */
    public function startCommand(): void
    {
        $this->sequence = 0;
    }
}
