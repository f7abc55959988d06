<?php

declare(strict_types=1);

namespace Tests\Probes;

use App\Probes\MysqlProbe;
use App\Probes\ProbeFailure;
use Tests\TestCase;
use Tests\Probes\FakeMysqlConnection as Fake;

final class MysqlProbeTest extends TestCase
{
    // Generous, so a loaded CI machine never turns a slow answer into a failure; the
    // timeout tests pass their own short one.
    private const TIMEOUT_MS = 10_000;

    public function testNativePasswordLogsInWithTheDecodedUrlCredentialsThenQuits(): void
    {
        $server = new FakeServer(self::class . '::nativeLogin', ['password' => 'p@ss:wörd']);
        (new MysqlProbe())->check("mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@127.0.0.1:{$server->port}/orders%20db", self::TIMEOUT_MS);
        $response = $server->finish();
        self::assertSame('app+user', $response['user']);
        self::assertSame('orders db', $response['database']);
        self::assertSame('mysql_native_password', $response['plugin']);
        self::assertSame(45, $response['charset']);
        $required = Fake::CLIENT_PROTOCOL_41 | Fake::CLIENT_SECURE_CONNECTION | Fake::CLIENT_PLUGIN_AUTH | Fake::CLIENT_CONNECT_WITH_DB;
        self::assertSame($required, $response['flags'] & $required);
    }

    public function testNoDatabaseKeepsConnectWithDbOffAndAnEmptyPasswordIsAnEmptyAnswer(): void
    {
        $server = new FakeServer(self::class . '::nativeLogin', ['password' => '']);
        (new MysqlProbe())->check("mysql://root@127.0.0.1:{$server->port}", self::TIMEOUT_MS);
        $response = $server->finish();
        self::assertSame(null, $response['database']);
        self::assertSame(0, $response['flags'] & Fake::CLIENT_CONNECT_WITH_DB);
        self::assertSame(0, $response['authLength']);
    }

    public function testCachingSha2PasswordFastAuthentication(): void
    {
        $server = new FakeServer(self::class . '::sha2Login', ['password' => 'secret', 'full' => false]);
        (new MysqlProbe())->check("mysql://app:secret@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        self::assertSame('caching_sha2_password', $server->finish()['plugin']);
    }

    public function testCachingSha2PasswordFullAuthenticationWithTheServerRsaKeyOverPlainTcp(): void
    {
        // Key generation can take a second or more: done before the probe's clock starts.
        $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        self::assertTrue($key !== false, 'RSA key generated');
        openssl_pkey_export($key, $pem);
        $server = new FakeServer(self::class . '::sha2Login', ['password' => 'dev-only-password', 'full' => true, 'key' => $pem]);
        (new MysqlProbe())->check("mysql://app:dev-only-password@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        self::assertSame('dev-only-password', $server->finish()['decrypted']);
    }

    public function testFollowsAnAuthSwitchRequestToNativePasswordWithTheNewNonce(): void
    {
        $server = new FakeServer(self::class . '::authSwitch', ['from' => 'caching_sha2_password', 'to' => 'mysql_native_password', 'password' => 'pw']);
        (new MysqlProbe())->check("mysql://app:pw@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        $server->finish();
    }

    public function testFollowsAnAuthSwitchRequestToCachingSha2Password(): void
    {
        $server = new FakeServer(self::class . '::authSwitch', ['from' => 'mysql_native_password', 'to' => 'caching_sha2_password', 'password' => 'pw']);
        (new MysqlProbe())->check("mysql://app:pw@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        $server->finish();
    }

    public function testAWrongPasswordIsNotReadyAndSaysTheAppCannotLogInEither(): void
    {
        $server = new FakeServer(self::class . '::refuseLogin');
        self::assertThrows(
            ProbeFailure::class,
            fn () => (new MysqlProbe())->check("mysql://app:wrong@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS),
            "/^127\\.0\\.0\\.1:{$server->port}: not ready: error 1045: Access denied for user 'app'@'10\\.0\\.0\\.5' \\(using password: YES\\) \\(the probe logs in with the URL credentials/",
        );
        $server->finish();
    }

    public function testNotReadyOnAGreetingErrPacketWithItsMessage(): void
    {
        $server = new FakeServer(self::class . '::greetWith', ['packet' => base64_encode(Fake::errPacket(1040, 'Too many connections', '08004'))]);
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS), '/: not ready: error 1040: Too many connections$/');
        $server->finish();
    }

    public function testABlockedHostIsReportedWithTheServerMessage(): void
    {
        $message = "Host '10.0.0.5' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'";
        $server = new FakeServer(self::class . '::greetWith', ['packet' => base64_encode(Fake::errPacket(1129, $message))]);
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS), '/error 1129: Host \'10\.0\.0\.5\' is blocked/');
        $server->finish();
    }

    public function testRejectsAnUnsupportedAuthenticationPluginByNameAfterAnsweringIt(): void
    {
        $server = new FakeServer(self::class . '::unsupportedSwitch');
        self::assertThrows(
            ProbeFailure::class,
            fn () => (new MysqlProbe())->check("mariadb://app:pw@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS),
            '/the account uses the client_ed25519 authentication plugin, which this probe does not support/',
        );
        self::assertSame(64, $server->finish(), 'a 64-byte answer the server can refuse');
    }

    public function testAnswersAGreetingForAnUnknownDefaultPluginWithNativePassword(): void
    {
        $server = new FakeServer(self::class . '::unknownDefaultPlugin');
        (new MysqlProbe())->check("mariadb://app:pw@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        self::assertSame('mysql_native_password', $server->finish());
    }

    public function testHandlesPacketsSplitAcrossTcpChunksAndSeveralPacketsInOneChunk(): void
    {
        $server = new FakeServer(self::class . '::chunked');
        (new MysqlProbe())->check("mysql://app:pw@127.0.0.1:{$server->port}/app", self::TIMEOUT_MS);
        $server->finish();
    }

    public function testRejectsAServerThatIsNotMysql(): void
    {
        $server = new FakeServer(self::class . '::notMysql');
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$server->port}", self::TIMEOUT_MS), '/not a MySQL server\?$/');
        $server->finish();
    }

    public function testTimesOutAgainstAServerThatNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::silent');
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    public function testTheDeadlineAlsoCoversALoginTheServerNeverAnswers(): void
    {
        $server = new FakeServer(self::class . '::greetThenSilent');
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$server->port}", 300), '/no answer within 300 ms$/');
        $server->finish();
    }

    public function testReportsARefusedConnection(): void
    {
        $port = FakeServer::closedPort();
        self::assertThrows(ProbeFailure::class, fn () => (new MysqlProbe())->check("mysql://a:b@127.0.0.1:{$port}/app", self::TIMEOUT_MS), '/refused/i');
    }

    // --- Server side, written from the server's point of view

    /** @param array{password: string} $args */
    public static function nativeLogin(Peer $peer, array $args): array
    {
        $mysql = new Fake($peer);
        $nonce = Fake::nonce();
        $mysql->send(Fake::greeting('mysql_native_password', $nonce));
        $response = Fake::parseHandshakeResponse($mysql->receive());
        if ($args['password'] === '') {
            self::assertSame('', $response['authData'], 'empty password, empty answer');
        } else {
            self::assertTrue(Fake::nativePasswordMatches($response['authData'], $nonce, $args['password']), 'scramble');
        }
        $mysql->send(Fake::OK);
        $mysql->expectQuit();
        return ['authLength' => strlen($response['authData'])] + array_diff_key($response, ['authData' => true]);
    }

    /** @param array{password: string, full: bool, key?: string} $args */
    public static function sha2Login(Peer $peer, array $args): array
    {
        $mysql = new Fake($peer);
        $nonce = Fake::nonce();
        $mysql->send(Fake::greeting('caching_sha2_password', $nonce));
        $response = Fake::parseHandshakeResponse($mysql->receive());
        self::assertTrue(Fake::sha2PasswordMatches($response['authData'], $nonce, $args['password']), 'sha2 scramble');
        $decrypted = null;
        if (!$args['full']) {
            // Fast auth success and the OK packet, in one TCP write.
            $peer->write($mysql->frame("\x01\x03") . $mysql->frame(Fake::OK));
        } else {
            $mysql->send("\x01\x04"); // perform full authentication
            self::assertSame("\x02", $mysql->receive(), 'public key request');
            $key = openssl_pkey_get_private($args['key']);
            $mysql->send("\x01" . openssl_pkey_get_details($key)['key']);
            $encrypted = $mysql->receive();
            self::assertTrue(openssl_private_decrypt($encrypted, $plain, $key, OPENSSL_PKCS1_OAEP_PADDING), 'RSA-OAEP');
            $xored = $plain ^ substr(str_repeat($nonce, 4), 0, strlen($plain));
            self::assertTrue(str_ends_with($xored, "\0"), 'NUL-terminated password');
            $decrypted = substr($xored, 0, -1);
            $mysql->send(Fake::OK);
        }
        $mysql->expectQuit();
        return ['plugin' => $response['plugin'], 'decrypted' => $decrypted];
    }

    /** @param array{from: string, to: string, password: string} $args */
    public static function authSwitch(Peer $peer, array $args): void
    {
        $mysql = new Fake($peer);
        $mysql->send(Fake::greeting($args['from'], Fake::nonce()));
        self::assertSame($args['from'], Fake::parseHandshakeResponse($mysql->receive())['plugin']);
        $nonce = Fake::nonce();
        $mysql->send("\xfe" . $args['to'] . "\0" . $nonce . "\0");
        $answer = $mysql->receive();
        if ($args['to'] === 'mysql_native_password') {
            self::assertTrue(Fake::nativePasswordMatches($answer, $nonce, $args['password']), 'scramble with the new nonce');
            $mysql->send(Fake::OK);
        } else {
            self::assertTrue(Fake::sha2PasswordMatches($answer, $nonce, $args['password']), 'sha2 scramble with the new nonce');
            $mysql->send("\x01\x03");
            $mysql->send(Fake::OK);
        }
        $mysql->expectQuit();
    }

    public static function refuseLogin(Peer $peer): void
    {
        $mysql = new Fake($peer);
        $mysql->send(Fake::greeting('caching_sha2_password', Fake::nonce()));
        $mysql->receive();
        $mysql->send(Fake::errPacket(1045, "Access denied for user 'app'@'10.0.0.5' (using password: YES)", '28000'));
        $peer->waitForHangup();
    }

    /** @param array{packet: string} $args */
    public static function greetWith(Peer $peer, array $args): void
    {
        $mysql = new Fake($peer);
        $mysql->send(base64_decode($args['packet'], true));
        $peer->waitForHangup();
    }

    public static function unsupportedSwitch(Peer $peer): int
    {
        $mysql = new Fake($peer);
        $mysql->send(Fake::greeting('mysql_native_password', Fake::nonce()));
        $mysql->receive();
        $mysql->send("\xfe" . "client_ed25519\0" . random_bytes(32));
        $answer = $mysql->receive();
        $mysql->send(Fake::errPacket(1045, 'Access denied', '28000'));
        $peer->waitForHangup();
        return strlen($answer);
    }

    public static function unknownDefaultPlugin(Peer $peer): string
    {
        $mysql = new Fake($peer);
        $nonce = Fake::nonce();
        $mysql->send(Fake::greeting('auth_gssapi_client', $nonce));
        $response = Fake::parseHandshakeResponse($mysql->receive());
        self::assertTrue(Fake::nativePasswordMatches($response['authData'], $nonce, 'pw'), 'native scramble');
        $mysql->send(Fake::OK);
        $mysql->expectQuit();
        return $response['plugin'];
    }

    public static function chunked(Peer $peer): void
    {
        $mysql = new Fake($peer);
        $nonce = Fake::nonce();
        $peer->writeInChunks($mysql->frame(Fake::greeting('mysql_native_password', $nonce)), 3);
        $response = Fake::parseHandshakeResponse($mysql->receive());
        self::assertTrue(Fake::nativePasswordMatches($response['authData'], $nonce, 'pw'), 'scramble');
        $peer->writeInChunks($mysql->frame(Fake::OK), 2);
        $mysql->expectQuit();
    }

    public static function notMysql(Peer $peer): void
    {
        $peer->write("SSH-2.0-OpenSSH_9.6\r\n");
        $peer->waitForHangup();
    }

    public static function silent(Peer $peer): void
    {
        $peer->waitForHangup();
    }

    public static function greetThenSilent(Peer $peer): void
    {
        $mysql = new Fake($peer);
        $mysql->send(Fake::greeting('mysql_native_password', Fake::nonce()));
        $mysql->receive();
        $peer->waitForHangup();
    }
}
