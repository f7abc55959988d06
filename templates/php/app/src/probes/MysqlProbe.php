<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * Logs in over the MySQL client/server protocol instead of using a driver, so the app needs
 * no extension; once you use one (PDO MySQL, mysqli), replace this with its ping.
 *
 * Why a full login and not just the greeting: the server counts a client that hangs up
 * during the handshake against max_connect_errors (default 100) for that client's host, and
 * then blocks the host ("Host ... is blocked") -- the app's own connections included. A
 * completed login resets the count, so a probe that logs in and says COM_QUIT never adds to
 * it.
 *
 * Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is meant for a
 * database on the private container network. The password never crosses in the clear (a
 * scramble, or RSA-OAEP with the server's key), but that key is fetched unauthenticated. A
 * server that insists on TLS (require_secure_transport) makes the probe fail with the
 * server's message.
 */
final class MysqlProbe implements Probe
{
    // Capability flags (the first 32 bits are shared by MySQL and MariaDB).
    private const CLIENT_LONG_PASSWORD = 0x1;
    private const CLIENT_CONNECT_WITH_DB = 0x8;
    private const CLIENT_PROTOCOL_41 = 0x200;
    private const CLIENT_SECURE_CONNECTION = 0x8000;
    private const CLIENT_PLUGIN_AUTH = 0x80000;

    private const UTF8MB4_GENERAL_CI = 45; // known to MySQL and MariaDB alike
    private const MAX_CLIENT_PACKET = 16 * 1024 * 1024;
    // Greetings, auth packets and RSA keys are small; refuse to buffer more.
    private const MAX_SERVER_PACKET = 64 * 1024;

    private const HANDSHAKE_V10 = 0x0a;
    private const OK_PACKET = 0x00;
    private const AUTH_MORE_DATA = 0x01;
    private const AUTH_SWITCH_REQUEST = 0xfe;
    private const ERR_PACKET = 0xff;
    private const COM_QUIT = 0x01;

    // caching_sha2_password: AuthMoreData statuses and the public-key request.
    private const FAST_AUTH_SUCCESS = 0x03;
    private const PERFORM_FULL_AUTHENTICATION = 0x04;
    private const REQUEST_PUBLIC_KEY = 0x02;

    private const NATIVE = 'mysql_native_password';
    private const CACHING_SHA2 = 'caching_sha2_password';
    private const SUPPORTED_PLUGINS = [self::NATIVE, self::CACHING_SHA2];

    // Errors that mean the login itself was refused: the server is up, but the app, which
    // uses the same URL, cannot work with it either.
    private const LOGIN_REFUSED = [
        1044, // access denied to the database
        1045, // access denied (user or password)
        1049, // unknown database
        1698, // access denied (no password given)
    ];

    public function schemes(): array
    {
        return ['mysql', 'mariadb'];
    }

    /**
     * Ready = the server accepts a login with the URL's user, password and database. Any ERR
     * packet (too many connections, host blocked, access denied, unknown database...) means
     * not ready, with the server's message.
     */
    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void
    {
        [$host, $port] = Wire::endpoint($url, 3306);
        $parts = parse_url($url) ?: [];
        $login = [
            'user' => rawurldecode((string) ($parts['user'] ?? '')),
            'password' => rawurldecode((string) ($parts['pass'] ?? '')),
            'database' => rawurldecode(ltrim((string) ($parts['path'] ?? ''), '/')),
        ];

        Wire::converse($host, $port, $timeoutMs, static function (Wire $wire) use ($login): void {
            $packets = new MysqlPackets($wire, self::MAX_SERVER_PACKET);
            $greeting = self::parseGreeting($packets->read());
            self::authenticate($packets, $greeting, $login);
            // Say goodbye so the server logs no aborted connection. COM_QUIT starts a new
            // command, hence sequence id 0; the server just closes.
            $packets->startCommand();
            $packets->write(chr(self::COM_QUIT));
        });
    }

    /**
     * @param array{capabilities: int, nonce: string, plugin: string} $greeting
     * @param array{user: string, password: string, database: string} $login
     */
    private static function authenticate(MysqlPackets $packets, array $greeting, array $login): void
    {
        $required = self::CLIENT_PROTOCOL_41 | self::CLIENT_SECURE_CONNECTION;
        if (($greeting['capabilities'] & $required) !== $required) {
            throw new \RuntimeException('server does not speak the MySQL 4.1+ protocol');
        }
        // The greeting names the server's default plugin. If we cannot answer it, start with
        // mysql_native_password: the server switches us to the account's own plugin if that
        // differs.
        $plugin = in_array($greeting['plugin'], self::SUPPORTED_PLUGINS, true) ? $greeting['plugin'] : self::NATIVE;
        $nonce = $greeting['nonce'];
        $packets->write(self::handshakeResponse($greeting['capabilities'], $login, $plugin, self::scramble($plugin, $login['password'], $nonce)));

        // OK ends the exchange; bound the rounds so a confused server cannot loop us.
        for ($round = 0; $round < 5; $round++) {
            $reply = $packets->read();
            switch (ord($reply[0])) {
                case self::OK_PACKET:
                    return;
                case self::ERR_PACKET:
                    throw self::serverError($reply);
                case self::AUTH_SWITCH_REQUEST:
                    // A bare 0xfe is the pre-4.1 switch to the old password hash.
                    if (strlen($reply) === 1) {
                        $plugin = 'mysql_old_password';
                        $nonce = '';
                    } else {
                        $end = strpos($reply, "\0", 1);
                        $plugin = substr($reply, 1, ($end === false ? strlen($reply) : $end) - 1);
                        $nonce = $end === false ? '' : self::withoutTrailingNul(substr($reply, $end + 1));
                    }
                    if (in_array($plugin, self::SUPPORTED_PLUGINS, true)) {
                        $packets->write(self::scramble($plugin, $login['password'], $nonce));
                        break;
                    }
                    // Hanging up, or a malformed answer, counts as a handshake error against
                    // max_connect_errors; an answer the server can check and refuse is a mere
                    // login failure. client_ed25519 expects a 64-byte signature (zeros never
                    // verify); other plugins get an empty answer.
                    $packets->write(str_repeat("\0", $plugin === 'client_ed25519' ? 64 : 0));
                    if (ord($packets->read()[0]) === self::OK_PACKET) {
                        return;
                    }
                    throw self::unsupportedPlugin($plugin);
                case self::AUTH_MORE_DATA:
                    if ($plugin !== self::CACHING_SHA2 || strlen($reply) !== 2) {
                        throw new \RuntimeException(sprintf('unexpected AuthMoreData for %s', $plugin));
                    }
                    $status = ord($reply[1]);
                    if ($status === self::FAST_AUTH_SUCCESS) {
                        break; // an OK packet follows
                    }
                    if ($status !== self::PERFORM_FULL_AUTHENTICATION) {
                        throw new \RuntimeException(sprintf('unexpected %s status %d', self::CACHING_SHA2, $status));
                    }
                    // The server has not cached this account since it started: it needs the
                    // password itself, which over plain TCP we encrypt with its key.
                    $packets->write(chr(self::REQUEST_PUBLIC_KEY));
                    $key = $packets->read();
                    if (ord($key[0]) === self::ERR_PACKET) {
                        throw self::serverError($key);
                    }
                    if (ord($key[0]) !== self::AUTH_MORE_DATA || strlen($key) < 2) {
                        throw new \RuntimeException('server did not send its RSA public key');
                    }
                    $packets->write(self::encryptPassword($login['password'], $nonce, substr($key, 1)));
                    break;
                default:
                    throw new \RuntimeException(sprintf('unexpected reply 0x%02x during authentication', ord($reply[0])));
            }
        }
        throw new \RuntimeException('authentication did not finish');
    }

    /**
     * Protocol::HandshakeV10, or the ERR packet a server sends instead.
     *
     * @return array{capabilities: int, nonce: string, plugin: string}
     */
    private static function parseGreeting(string $payload): array
    {
        $kind = ord($payload[0]);
        if ($kind === self::ERR_PACKET) {
            throw self::serverError($payload);
        }
        if ($kind !== self::HANDSHAKE_V10) {
            throw new \RuntimeException(sprintf('unsupported handshake protocol version %d', $kind));
        }

        $reader = new MysqlReader($payload, 1);
        $reader->cstring(); // server version
        $reader->bytes(4); // connection id
        $nonceStart = $reader->bytes(8);
        $reader->bytes(1); // filler
        $capabilities = $reader->uint16();
        $nonceEnd = '';
        $plugin = self::NATIVE;
        if ($reader->remaining() > 0) {
            $reader->uint8(); // character set
            $reader->uint16(); // status flags
            $capabilities += $reader->uint16() * 0x10000;
            $nonceLength = $reader->uint8();
            $reader->bytes(10); // reserved (MariaDB keeps extended capabilities here)
            if (($capabilities & self::CLIENT_SECURE_CONNECTION) !== 0) {
                // At least 13 bytes, the last being a NUL that is not part of the nonce.
                $nonceEnd = $reader->bytes(min(max(13, $nonceLength - 8), $reader->remaining()));
            }
            if (($capabilities & self::CLIENT_PLUGIN_AUTH) !== 0) {
                $name = $reader->cstring();
                $plugin = $name !== '' ? $name : self::NATIVE;
            }
        }
        return ['capabilities' => $capabilities, 'nonce' => substr($nonceStart . $nonceEnd, 0, 20), 'plugin' => $plugin];
    }

    /**
     * Protocol::HandshakeResponse41.
     *
     * @param array{user: string, password: string, database: string} $login
     */
    private static function handshakeResponse(int $serverCapabilities, array $login, string $plugin, string $authData): string
    {
        $pluginAuth = ($serverCapabilities & self::CLIENT_PLUGIN_AUTH) !== 0;
        $flags = self::CLIENT_LONG_PASSWORD
            | self::CLIENT_PROTOCOL_41
            | self::CLIENT_SECURE_CONNECTION
            | ($pluginAuth ? self::CLIENT_PLUGIN_AUTH : 0)
            | ($login['database'] === '' ? 0 : self::CLIENT_CONNECT_WITH_DB);

        // flags, max packet size, charset, 23 zero bytes
        return pack('VVC', $flags, self::MAX_CLIENT_PACKET, self::UTF8MB4_GENERAL_CI) . str_repeat("\0", 23)
            . $login['user'] . "\0"
            . chr(strlen($authData)) . $authData // CLIENT_SECURE_CONNECTION: 1-byte length
            . ($login['database'] === '' ? '' : $login['database'] . "\0")
            . ($pluginAuth ? $plugin . "\0" : '');
    }

    /** First answer of either plugin; an empty password is an empty answer. */
    private static function scramble(string $plugin, string $password, string $nonce): string
    {
        if ($password === '') {
            return '';
        }
        if ($plugin === self::NATIVE) {
            // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
            $stage1 = hash('sha1', $password, true);
            return $stage1 ^ hash('sha1', $nonce . hash('sha1', $stage1, true), true);
        }
        // caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
        $stage1 = hash('sha256', $password, true);
        return $stage1 ^ hash('sha256', hash('sha256', $stage1, true) . $nonce, true);
    }

    /** caching_sha2_password full authentication over plain TCP. */
    private static function encryptPassword(string $password, string $nonce, string $publicKeyPem): string
    {
        if (!function_exists('openssl_public_encrypt')) {
            throw new \RuntimeException('the openssl extension is needed for caching_sha2_password full authentication');
        }
        $plain = self::xorRepeat($password . "\0", $nonce);
        if (!@openssl_public_encrypt($plain, $encrypted, $publicKeyPem, OPENSSL_PKCS1_OAEP_PADDING)) {
            throw new \RuntimeException("cannot encrypt the password with the server's RSA public key");
        }
        return $encrypted;
    }

    /** XOR with $key repeated to the length of $data. */
    private static function xorRepeat(string $data, string $key): string
    {
        if ($key === '') {
            return $data;
        }
        return $data ^ substr(str_repeat($key, intdiv(strlen($data), strlen($key)) + 1), 0, strlen($data));
    }

    private static function withoutTrailingNul(string $data): string
    {
        return str_ends_with($data, "\0") ? substr($data, 0, -1) : $data;
    }

    /** ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message. */
    private static function serverError(string $payload): \RuntimeException
    {
        if (strlen($payload) < 3) {
            return new \RuntimeException('not ready: malformed error packet');
        }
        $code = unpack('v', $payload, 1)[1];
        // Errors sent before the handshake completes usually omit the SQLSTATE.
        $messageStart = ($payload[3] ?? '') === '#' && strlen($payload) >= 9 ? 9 : 3;
        $hint = in_array($code, self::LOGIN_REFUSED, true)
            ? ' (the probe logs in with the URL credentials and database, so the app cannot log in either)'
            : '';
        return new \RuntimeException(sprintf('not ready: error %d: %s%s', $code, substr($payload, $messageStart), $hint));
    }

    private static function unsupportedPlugin(string $plugin): \RuntimeException
    {
        return new \RuntimeException(sprintf(
            'the account uses the %s authentication plugin, which this probe does not support (only %s): '
            . "switch the account to one of those, or replace the probe with your driver's ping",
            $plugin,
            implode(' and ', self::SUPPORTED_PLUGINS),
        ));
    }
}
