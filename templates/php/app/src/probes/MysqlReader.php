<?php

declare(strict_types=1);

namespace App\Probes;

/** Bounds-checked cursor over a MySQL packet payload. */
final class MysqlReader
{
    public function __construct(
        private readonly string $buffer,
        private int $offset = 0,
    ) {
    }

    public function remaining(): int
    {
        return strlen($this->buffer) - $this->offset;
    }

    public function bytes(int $length): string
    {
        if ($length < 0 || $length > $this->remaining()) {
            throw new \RuntimeException('malformed packet from the server');
        }
        $slice = substr($this->buffer, $this->offset, $length);
        $this->offset += $length;
        return $slice;
    }

    public function uint8(): int
    {
        return ord($this->bytes(1));
    }

    public function uint16(): int
    {
        return unpack('v', $this->bytes(2))[1];
    }

    /** NUL-terminated string; some old servers omit the final NUL. */
    public function cstring(): string
    {
        $end = strpos($this->buffer, "\0", $this->offset);
        $stop = $end === false ? strlen($this->buffer) : $end;
        $text = substr($this->buffer, $this->offset, $stop - $this->offset);
        $this->offset = min($stop + 1, strlen($this->buffer));
        return $text;
    }
}
