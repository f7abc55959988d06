<?php

declare(strict_types=1);

namespace Tests\Probes;

use App\Probes\MongodbProbe;
use App\Probes\ProbeFailure;
use Tests\TestCase;

final class MongodbProbeTest extends TestCase
{
    // Generous, so a loaded CI machine never turns a slow answer into a failure; the
    // timeout tests pass their own short one.
    private const TIMEOUT_MS = 10_000;

    public function testReadyWhenHelloAnswersOk1(): void
    {
        // A realistic reply: nested documents, an array, an ObjectId-free mix of scalar types.
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::document(
            self::element(0x08, 'isWritablePrimary', "\x01")
            . self::element(0x03, 'topologyVersion', self::document(self::element(0x12, 'counter', pack('P', 0))))
            . self::element(0x10, 'maxWireVersion', pack('V', 25))
            . self::element(0x04, 'saslSupportedMechs', self::document(self::element(0x02, '0', pack('V', 12) . "SCRAM-SHA-1\0")))
            . self::element(0x09, 'localTime', pack('P', 1_700_000_000_000))
            . self::element(0x0a, 'nothing', '')
            . self::element(0x01, 'ok', pack('e', 1.0)),
        ))]);
        (new MongodbProbe())->check("mongodb://app:secret@127.0.0.1:{$server->port},other:27017/orders?authSource=admin&replicaSet=rs0", self::TIMEOUT_MS);
        $hello = $server->finish();
        self::assertSame(['hello' => 1, '$db' => 'admin'], $hello['command']);
        self::assertSame(2013, $hello['opCode']);
    }

    public function testNotReadyWhenOkIs0WithTheServerMessage(): void
    {
        $server = new FakeServer(self::class . '::answer', ['reply' => base64_encode(self::document(
            self::element(0x01, 'ok', pack('e', 0.0))
            . self::element(0x02, 'errmsg', pack('V', 9) . "shutdown\0")
            . self::element(0x10, 'code', pack('V', 91)),
        ))]);
        self::assertThrows(ProbeFailure::class, fn () => (new MongodbProbe())->check("mongodb://127.0.0.1:{$server->port}", self::TIMEOUT_MS), '/: not ready: shutdown$/');
        $server->finish();
    }

    public function testRejectsMongodbSrvWithAClearMessage(): void
    {
        self::assertThrows(\RuntimeException::class, fn () => (new MongodbProbe())->check('mongodb+srv://cluster.example.com/app'), '/DNS SRV lookup/');
    }

    public function testTimesOutAgainstAServerThatNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::silent');
        self::assertThrows(ProbeFailure::class, fn () => (new MongodbProbe())->check("mongodb://127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    // --- Server side

    /**
     * Reads one OP_MSG, answers with the scripted reply document, returns the command.
     *
     * @param array{reply: string} $args
     *
     * @return array{opCode: int, command: array<string, mixed>}
     */
    public static function answer(Peer $peer, array $args): array
    {
        $header = unpack('Vlength/VrequestId/VresponseTo/VopCode', $peer->read(16));
        $body = $peer->read($header['length'] - 16);
        self::assertSame("\0\0\0\0\0", substr($body, 0, 5), 'flagBits 0, section kind 0');
        $command = self::decodeSimple(substr($body, 5));
        $reply = base64_decode($args['reply'], true);
        $peer->write(pack('VVVVVC', 21 + strlen($reply), 99, $header['requestId'], 2013, 0, 0) . $reply);
        $peer->waitForHangup();
        return ['opCode' => $header['opCode'], 'command' => $command];
    }

    public static function silent(Peer $peer): void
    {
        $peer->waitForHangup();
    }

    private static function document(string $elements): string
    {
        return pack('V', 4 + strlen($elements) + 1) . $elements . "\0";
    }

    private static function element(int $type, string $name, string $value): string
    {
        return chr($type) . $name . "\0" . $value;
    }

    /**
     * Decodes a document of int32 and string values, as the probe sends.
     *
     * @return array<string, int|string>
     */
    private static function decodeSimple(string $document): array
    {
        $values = [];
        $offset = 4;
        while ($document[$offset] !== "\0") {
            $type = ord($document[$offset]);
            $end = strpos($document, "\0", $offset + 1);
            $name = substr($document, $offset + 1, $end - $offset - 1);
            if ($type === 0x10) {
                $values[$name] = unpack('V', $document, $end + 1)[1];
                $offset = $end + 5;
            } else {
                self::assertSame(0x02, $type, 'string');
                $length = unpack('V', $document, $end + 1)[1];
                $values[$name] = substr($document, $end + 5, $length - 1);
                $offset = $end + 5 + $length;
            }
        }
        return $values;
    }
}
