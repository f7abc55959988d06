package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/**
 * A fake server that frames packets and checks sequence ids; each test scripts one connection
 * from the server's point of view.
 */
class MysqlProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int CLIENT_LONG_PASSWORD = 0x1;
    private static final int CLIENT_CONNECT_WITH_DB = 0x8;
    private static final int CLIENT_PROTOCOL_41 = 0x200;
    private static final int CLIENT_SECURE_CONNECTION = 0x8000;
    private static final int CLIENT_PLUGIN_AUTH = 0x80000;
    private static final int SERVER_CAPABILITIES = 0xf7fe | (0x81bf << 16) | CLIENT_LONG_PASSWORD;

    private static final byte[] OK = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};

    /** The server side of one connection. */
    private static final class Connection {
        final Socket socket;
        final InputStream in;
        int sequence;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** The next packet from the probe; its sequence id must follow ours. */
        byte[] receive() throws IOException {
            byte[] header;
            try {
                header = FakeServer.readExactly(in, 4);
            } catch (EOFException e) {
                throw new AssertionError("the probe hung up");
            }
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            assertEquals(sequence, header[3] & 0xff, "client sequence id");
            sequence = (sequence + 1) & 0xff;
            return FakeServer.readExactly(in, length);
        }

        void send(byte[] payload) throws IOException {
            socket.getOutputStream().write(frame(payload));
            socket.getOutputStream().flush();
        }

        byte[] frame(byte[] payload) {
            byte[] packet = new byte[4 + payload.length];
            packet[0] = (byte) payload.length;
            packet[1] = (byte) (payload.length >>> 8);
            packet[2] = (byte) (payload.length >>> 16);
            packet[3] = (byte) sequence;
            sequence = (sequence + 1) & 0xff;
            System.arraycopy(payload, 0, packet, 4, payload.length);
            return packet;
        }

        void expectQuit() throws IOException {
            sequence = 0; // a new command
            assertArrayEquals(new byte[] {0x01}, receive(), "COM_QUIT");
            FakeServer.awaitHangup(socket);
        }
    }

    @FunctionalInterface
    private interface Script {
        void serve(Connection connection) throws Exception;
    }

    private static FakeServer fakeMysql(Script script) throws IOException {
        return FakeServer.start(socket -> script.serve(new Connection(socket)));
    }

    private static byte[] greeting(String plugin, byte[] nonce) {
        ByteBuffer fixed = ByteBuffer.allocate(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10).order(ByteOrder.LITTLE_ENDIAN);
        fixed.putInt(42); // connection id
        fixed.put(nonce, 0, 8);
        fixed.put((byte) 0); // filler
        fixed.putShort((short) (SERVER_CAPABILITIES & 0xffff));
        fixed.put((byte) 255); // utf8mb4_0900_ai_ci
        fixed.putShort((short) 0x0002); // SERVER_STATUS_AUTOCOMMIT
        fixed.putShort((short) (SERVER_CAPABILITIES >>> 16));
        fixed.put((byte) 21); // nonce length, NUL included
        return concat(new byte[] {0x0a}, "8.4.3\0".getBytes(StandardCharsets.US_ASCII), fixed.array(),
                Arrays.copyOfRange(nonce, 8, 20), new byte[] {0}, (plugin + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] errPacket(int code, String message, String sqlState) {
        byte[] header = {(byte) 0xff, (byte) code, (byte) (code >>> 8)};
        return concat(header, (sqlState == null ? message : "#" + sqlState + message).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] authSwitch(String plugin, byte[] nonce) {
        return concat(new byte[] {(byte) 0xfe}, (plugin + "\0").getBytes(StandardCharsets.US_ASCII), nonce, new byte[] {0});
    }

    private record HandshakeResponse(int flags, int charset, String user, byte[] authData, String database, String plugin) {}

    private static HandshakeResponse parseHandshakeResponse(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int flags = buffer.getInt(0);
        int charset = payload[8] & 0xff;
        assertArrayEquals(new byte[23], Arrays.copyOfRange(payload, 9, 32), "23 zero bytes");
        int[] offset = {32};
        java.util.function.Supplier<String> cstring = () -> {
            int end = offset[0];
            while (end < payload.length && payload[end] != 0) end++;
            assertTrue(end < payload.length, "NUL-terminated string");
            String text = new String(payload, offset[0], end - offset[0], StandardCharsets.UTF_8);
            offset[0] = end + 1;
            return text;
        };
        String user = cstring.get();
        int authLength = payload[offset[0]] & 0xff;
        byte[] authData = Arrays.copyOfRange(payload, offset[0] + 1, offset[0] + 1 + authLength);
        offset[0] += 1 + authLength;
        String database = (flags & CLIENT_CONNECT_WITH_DB) != 0 ? cstring.get() : null;
        String plugin = cstring.get();
        assertEquals(payload.length, offset[0], "nothing after the plugin name");
        return new HandshakeResponse(flags, charset, user, authData, database, plugin);
    }

    private static byte[] sha(String algorithm, byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        for (byte[] part : parts) digest.update(part);
        return digest.digest();
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (byte) (a[i] ^ b[i % b.length]);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    /** What mysqld does: it stores SHA1(SHA1(password)) and never sees the password. */
    private static boolean nativePasswordMatches(byte[] authData, byte[] nonce, String password) throws Exception {
        byte[] stored = sha("SHA-1", sha("SHA-1", password.getBytes(StandardCharsets.UTF_8)));
        byte[] candidate = xor(authData, sha("SHA-1", nonce, stored));
        return authData.length == 20 && Arrays.equals(sha("SHA-1", candidate), stored);
    }

    /** caching_sha2_password fast path: the server caches SHA256(SHA256(password)). */
    private static boolean sha2PasswordMatches(byte[] authData, byte[] nonce, String password) throws Exception {
        byte[] cached = sha("SHA-256", sha("SHA-256", password.getBytes(StandardCharsets.UTF_8)));
        byte[] candidate = xor(authData, sha("SHA-256", cached, nonce));
        return authData.length == 32 && Arrays.equals(sha("SHA-256", candidate), cached);
    }

    /** Like mysqld: printable-ish bytes, never NUL. */
    private static byte[] nonce() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (bytes[i] & 0x7f);
            if (bytes[i] == 0) bytes[i] = 1;
        }
        return bytes;
    }

    private static String url(String scheme, String credentials, int port, String path) {
        return scheme + "://" + credentials + "127.0.0.1:" + port + path;
    }

    @Test
    void nativePasswordLogsInWithTheDecodedUrlCredentialsThenQuits() throws Exception {
        byte[] challenge = nonce();
        AtomicReference<HandshakeResponse> response = new AtomicReference<>();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", challenge));
            response.set(parseHandshakeResponse(connection.receive()));
            assertTrue(nativePasswordMatches(response.get().authData(), challenge, "p@ss:wörd"), "scramble");
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mariadb", "app%2Buser:p%40ss%3Aw%C3%B6rd@", server.port(), "/orders%20db"), TIMEOUT);
            server.await();
        }
        assertEquals("app+user", response.get().user());
        assertEquals("orders db", response.get().database());
        assertEquals("mysql_native_password", response.get().plugin());
        assertTrue(response.get().charset() == 45 || response.get().charset() == 255, "utf8mb4");
        int wanted = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        assertEquals(wanted, response.get().flags() & wanted);
        assertNotEquals(0, response.get().flags() & CLIENT_CONNECT_WITH_DB);
    }

    @Test
    void noDatabaseLeavesConnectWithDbOffAndAnEmptyPasswordIsAnEmptyAnswer() throws Exception {
        AtomicReference<HandshakeResponse> response = new AtomicReference<>();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", nonce()));
            response.set(parseHandshakeResponse(connection.receive()));
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "root@", server.port(), ""), TIMEOUT);
            server.await();
        }
        assertEquals(0, response.get().flags() & CLIENT_CONNECT_WITH_DB);
        assertNull(response.get().database());
        assertEquals(0, response.get().authData().length);
    }

    @Test
    void cachingSha2FastAuthentication() throws Exception {
        byte[] challenge = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("caching_sha2_password", challenge));
            HandshakeResponse response = parseHandshakeResponse(connection.receive());
            assertEquals("caching_sha2_password", response.plugin());
            assertTrue(sha2PasswordMatches(response.authData(), challenge, "secret"), "scramble");
            connection.send(new byte[] {0x01, 0x03}); // fast auth success
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), TIMEOUT);
            server.await();
        }
    }

    @Test
    void cachingSha2FullAuthenticationWithTheServerRsaKeyOverPlainTcp() throws Exception {
        byte[] challenge = nonce();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("caching_sha2_password", challenge));
            connection.receive();
            connection.send(new byte[] {0x01, 0x04}); // perform full authentication
            assertArrayEquals(new byte[] {0x02}, connection.receive(), "public key request");
            connection.send(concat(new byte[] {0x01}, pem.getBytes(StandardCharsets.US_ASCII)));
            byte[] encrypted = connection.receive();
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
            assertEquals("sécret\0", new String(xor(cipher.doFinal(encrypted), challenge), StandardCharsets.UTF_8));
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "app:s%C3%A9cret@", server.port(), "/app"), TIMEOUT);
            server.await();
        }
    }

    @Test
    void readsPkcs1RsaKeysToo() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        byte[] spki = keys.getPublic().getEncoded();
        // SubjectPublicKeyInfo = 24-byte header for a 2048-bit key, then the PKCS#1 key.
        byte[] pkcs1 = Arrays.copyOfRange(spki, 24, spki.length);
        String pem = "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PUBLIC KEY-----\n";
        assertEquals(keys.getPublic(), MysqlProbe.publicKey(pem));
    }

    @Test
    void followsAnAuthSwitchToNativePasswordWithTheNewNonce() throws Exception {
        byte[] switched = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("caching_sha2_password", nonce()));
            connection.receive();
            connection.send(authSwitch("mysql_native_password", switched));
            assertTrue(nativePasswordMatches(connection.receive(), switched, "secret"), "scramble with the switched nonce");
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), TIMEOUT);
            server.await();
        }
    }

    @Test
    void followsAnAuthSwitchToCachingSha2() throws Exception {
        byte[] switched = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", nonce()));
            connection.receive();
            connection.send(authSwitch("caching_sha2_password", switched));
            assertTrue(sha2PasswordMatches(connection.receive(), switched, "secret"));
            connection.send(new byte[] {0x01, 0x03});
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), TIMEOUT);
            server.await();
        }
    }

    @Test
    void aWrongPasswordIsNotReadyAndTheAppCannotLogInEither() throws Exception {
        byte[] challenge = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", challenge));
            HandshakeResponse response = parseHandshakeResponse(connection.receive());
            assertFalse(nativePasswordMatches(response.authData(), challenge, "secret"));
            connection.send(errPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"));
            connection.socket.close();
        })) {
            IOException e = assertThrows(IOException.class, () -> MysqlProbe.probe(url("mysql", "app:wrong@", server.port(), "/app"), TIMEOUT));
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + server.port() + ": not ready: error 1045: Access denied for user 'app'"), e.getMessage());
            assertTrue(e.getMessage().contains("app cannot log in either"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), "never echoes the password");
            server.await();
        }
    }

    @Test
    void notReadyOnAGreetingErrPacketWithItsMessage() throws Exception {
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(errPacket(1040, "Too many connections", null));
            connection.socket.close();
        })) {
            IOException e = assertThrows(IOException.class, () -> MysqlProbe.probe(url("mariadb", "", server.port(), "/app"), TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": not ready: error 1040: Too many connections", e.getMessage());
        }
    }

    @Test
    void aBlockedHostIsReportedWithTheServerMessage() throws Exception {
        String message = "Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'";
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(errPacket(1129, message, null));
            connection.socket.close();
        })) {
            IOException e = assertThrows(IOException.class, () -> MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": not ready: error 1129: " + message, e.getMessage());
        }
    }

    @Test
    void rejectsAnUnsupportedAuthenticationPluginByName() throws Exception {
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", nonce()));
            connection.receive();
            connection.send(concat(new byte[] {(byte) 0xfe}, "client_ed25519\0".getBytes(StandardCharsets.US_ASCII), nonce()));
            // A signature-sized answer, so the server logs a failed login rather than a
            // handshake error that counts against max_connect_errors.
            assertArrayEquals(new byte[64], connection.receive());
            connection.send(errPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"));
            FakeServer.awaitHangup(connection.socket);
        })) {
            IOException e = assertThrows(IOException.class, () -> MysqlProbe.probe(url("mariadb", "app:secret@", server.port(), "/app"), TIMEOUT));
            assertTrue(e.getMessage().contains("client_ed25519 authentication plugin"), e.getMessage());
            server.await();
        }
    }

    @Test
    void answersAGreetingForAnUnknownDefaultPluginWithNativePassword() throws Exception {
        byte[] challenge = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("client_ed25519", challenge));
            HandshakeResponse response = parseHandshakeResponse(connection.receive());
            assertEquals("mysql_native_password", response.plugin());
            assertTrue(nativePasswordMatches(response.authData(), challenge, "secret"));
            connection.send(OK);
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mariadb", "app:secret@", server.port(), "/app"), TIMEOUT);
            server.await();
        }
    }

    @Test
    void handlesPacketsSplitAcrossTcpChunksAndSeveralPacketsInOneChunk() throws Exception {
        byte[] challenge = nonce();
        try (FakeServer server = fakeMysql(connection -> {
            connection.socket.setTcpNoDelay(true);
            for (byte b : connection.frame(greeting("caching_sha2_password", challenge))) {
                connection.socket.getOutputStream().write(b);
                connection.socket.getOutputStream().flush();
                Thread.sleep(1);
            }
            HandshakeResponse response = parseHandshakeResponse(connection.receive());
            assertTrue(sha2PasswordMatches(response.authData(), challenge, "secret"));
            // Fast-auth success and OK in one write, then nothing else.
            connection.socket.getOutputStream().write(concat(connection.frame(new byte[] {0x01, 0x03}), connection.frame(OK)));
            connection.expectQuit();
        })) {
            MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), Duration.ofSeconds(5));
            server.await();
        }
    }

    @Test
    void rejectsAServerThatIsNotMysql() throws Exception {
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(new byte[] {0x09, 0x00});
            connection.socket.close();
        })) {
            IOException e = assertThrows(IOException.class, () -> MysqlProbe.probe(url("mysql", "", server.port(), "/app"), TIMEOUT));
            assertTrue(e.getMessage().endsWith("unsupported handshake protocol version 9"), e.getMessage());
        }
    }

    @Test
    void timesOutAgainstAServerThatNeverAnswers() throws Exception {
        try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
            IOException e = assertThrows(IOException.class,
                    () -> MysqlProbe.probe(url("mysql", "", server.port(), "/app"), Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }

    @Test
    void theDeadlineAlsoCoversALoginTheServerNeverAnswers() throws Exception {
        try (FakeServer server = fakeMysql(connection -> {
            connection.send(greeting("mysql_native_password", nonce()));
            FakeServer.awaitHangup(connection.socket);
        })) {
            IOException e = assertThrows(IOException.class,
                    () -> MysqlProbe.probe(url("mysql", "app:secret@", server.port(), "/app"), Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }
}
