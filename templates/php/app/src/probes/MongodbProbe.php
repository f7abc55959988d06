<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * Sends one `hello` command with a hand-rolled OP_MSG/BSON codec so the app needs no driver;
 * once you use the mongodb extension, replace this with `['ping' => 1]` on the client.
 *
 * `hello` needs no authentication and answers as soon as mongod accepts connections;
 * `ok: 1` means ready. Only the first host of a seed list is checked. TLS is used when the
 * URL says tls=true or ssl=true.
 */
final class MongodbProbe implements Probe
{
    private const OP_MSG = 2013;

    private const MAX_REPLY_BYTES = 16 * 1024 * 1024;

    public function schemes(): array
    {
        return ['mongodb', 'mongodb+srv'];
    }

    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void
    {
        if (str_starts_with(strtolower($url), 'mongodb+srv:')) {
            throw new \RuntimeException(
                'mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: '
                . 'use a mongodb://host:port URL, or replace the probe with your driver ping',
            );
        }
        $first = self::firstHost($url);
        parse_str((string) parse_url($first, PHP_URL_QUERY), $query);
        $tls = false;
        foreach (['tls', 'ssl'] as $key) {
            $tls = $tls || (is_string($query[$key] ?? null) && strtolower($query[$key]) === 'true');
        }
        [$host, $port] = Wire::endpoint($first, 27017);

        Wire::converse($host, $port, $timeoutMs, static function (Wire $wire): void {
            $wire->write(self::opMsg(1, self::encodeDocument(['hello' => 1, '$db' => 'admin'])));

            // Header: messageLength, requestID, responseTo, opCode (int32 LE each).
            $header = unpack('Vlength/VrequestId/VresponseTo/VopCode', $wire->read(16));
            $length = $header['length'];
            if ($header['opCode'] !== self::OP_MSG || $length < 21 || $length > self::MAX_REPLY_BYTES) {
                throw new \RuntimeException('unexpected reply: not a MongoDB server (3.6 or later)?');
            }
            $body = $wire->read($length - 16);
            // body: flagBits (uint32), then section kind 0 followed by one document.
            if ($body[4] !== "\0") {
                throw new \RuntimeException('unexpected OP_MSG section in reply');
            }
            $reply = self::decodeTopLevel(substr($body, 5));

            if ((float) ($reply['ok'] ?? 0) !== 1.0) {
                $reason = $reply['errmsg'] ?? $reply['codeName'] ?? 'ok is not 1';
                throw new \RuntimeException(sprintf('not ready: %s', is_scalar($reason) ? (string) $reason : 'ok is not 1'));
            }
        });
    }

    /** A seed list ("a:27017,b:27017") is not a valid URL host: keep the first. */
    private static function firstHost(string $url): string
    {
        if (preg_match('#^(mongodb://)([^@/?\#]*@)?([^/?\#]*)(.*)$#i', $url, $m) !== 1) {
            throw new \InvalidArgumentException('not a mongodb:// URL');
        }
        return $m[1] . $m[2] . explode(',', $m[3])[0] . $m[4];
    }

    private static function opMsg(int $requestId, string $document): string
    {
        // messageLength, requestID, responseTo, opCode, flagBits, section kind 0, document.
        return pack('VVVVVC', 21 + strlen($document), $requestId, 0, self::OP_MSG, 0, 0) . $document;
    }

    // --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

    /** @param array<string, int|string> $fields */
    private static function encodeDocument(array $fields): string
    {
        $elements = '';
        foreach ($fields as $key => $value) {
            $elements .= is_int($value)
                ? "\x10" . $key . "\0" . pack('V', $value)
                : "\x02" . $key . "\0" . pack('V', strlen($value) + 1) . $value . "\0";
        }
        return pack('V', 4 + strlen($elements) + 1) . $elements . "\0";
    }

    /**
     * Reads a document's top-level doubles, strings, int32/int64 and booleans; every other
     * value (sub-documents, ObjectIds, timestamps...) is skipped by size.
     *
     * @return array<string, mixed>
     */
    private static function decodeTopLevel(string $document): array
    {
        $values = [];
        $end = self::int32($document, 0) - 1; // the last byte is the document's NUL
        if ($end >= strlen($document) || $end < 4) {
            throw new \RuntimeException('truncated BSON document in reply');
        }
        $cstringEnd = static function (int $from) use ($document): int {
            $nul = strpos($document, "\0", $from);
            if ($nul === false) {
                throw new \RuntimeException('malformed BSON document in reply');
            }
            return $nul;
        };

        $offset = 4;
        while ($offset < $end) {
            $type = ord($document[$offset]);
            $nameEnd = $cstringEnd($offset + 1);
            $name = substr($document, $offset + 1, $nameEnd - $offset - 1);
            $at = $nameEnd + 1;
            switch ($type) {
                case 0x01: // double
                    self::need($at, 8, $end);
                    $values[$name] = unpack('e', $document, $at)[1];
                    $size = 8;
                    break;
                case 0x02: // string: int32 byte length (with NUL), bytes, NUL
                    $values[$name] = substr($document, $at + 4, self::int32($document, $at) - 1);
                    $size = 4 + self::int32($document, $at);
                    break;
                case 0x08: // boolean
                    self::need($at, 1, $end);
                    $values[$name] = $document[$at] === "\x01";
                    $size = 1;
                    break;
                case 0x10: // int32
                    $values[$name] = self::int32($document, $at);
                    $size = 4;
                    break;
                case 0x12: // int64
                    self::need($at, 8, $end);
                    $values[$name] = unpack('P', $document, $at)[1];
                    $size = 8;
                    break;
                case 0x03: // document
                case 0x04: // array
                case 0x0f: // code with scope
                    $size = self::int32($document, $at);
                    break;
                case 0x05: // binary: int32 length, subtype byte, bytes
                    $size = 5 + self::int32($document, $at);
                    break;
                case 0x0d: // JavaScript code
                case 0x0e: // symbol
                    $size = 4 + self::int32($document, $at);
                    break;
                case 0x0c: // DBPointer: string + ObjectId
                    $size = 4 + self::int32($document, $at) + 12;
                    break;
                case 0x0b: // regex: two cstrings
                    $size = $cstringEnd($cstringEnd($at) + 1) + 1 - $at;
                    break;
                case 0x07: // ObjectId
                    $size = 12;
                    break;
                case 0x09: // UTC datetime
                case 0x11: // timestamp
                    $size = 8;
                    break;
                case 0x13: // decimal128
                    $size = 16;
                    break;
                case 0x06: // undefined
                case 0x0a: // null
                case 0x7f: // max key
                case 0xff: // min key
                    $size = 0;
                    break;
                default:
                    throw new \RuntimeException(sprintf('unsupported BSON type 0x%x in reply', $type));
            }
            if ($size < 0 || $at + $size > $end) {
                throw new \RuntimeException('malformed BSON document in reply');
            }
            $offset = $at + $size;
        }
        return $values;
    }

    private static function need(int $at, int $size, int $end): void
    {
        if ($at + $size > $end) {
            throw new \RuntimeException('malformed BSON document in reply');
        }
    }

    /** Signed little-endian int32; throws instead of reading past the end. */
    private static function int32(string $data, int $at): int
    {
        if ($at + 4 > strlen($data)) {
            throw new \RuntimeException('truncated BSON document in reply');
        }
        $value = unpack('V', $data, $at)[1];
        return $value >= 0x80000000 ? $value - 0x100000000 : $value;
    }
}
