package com.example.app.probes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;

/**
 * Logs in over the MySQL client/server protocol instead of using a driver, so the app needs
 * no dependency. Once you add one (MySQL Connector/J, MariaDB Connector/J), replace this with
 * its ping.
 *
 * <p>Why a full login and not just the greeting: the server counts a client that hangs up
 * during the handshake against max_connect_errors (default 100) for that client's host, and
 * then blocks the host ("Host ... is blocked"), the app's own connections included. A
 * completed login resets the count, so a probe that logs in and says COM_QUIT never adds to
 * it.
 *
 * <p>Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is meant for a
 * database on the private container network. The password never crosses in the clear (a
 * scramble, or RSA-OAEP with the server's key), but that key is fetched unauthenticated. A
 * server that insists on TLS (require_secure_transport) makes the probe fail with the
 * server's message.
 */
public final class MysqlProbe {

    public static final List<String> SCHEMES = List.of("mysql", "mariadb");

    private static final int DEFAULT_PORT = 3306;

    // Capability flags (the first 32 bits are shared by MySQL and MariaDB).
    private static final int CLIENT_LONG_PASSWORD = 0x1;
    private static final int CLIENT_CONNECT_WITH_DB = 0x8;
    private static final int CLIENT_PROTOCOL_41 = 0x200;
    private static final int CLIENT_SECURE_CONNECTION = 0x8000;
    private static final int CLIENT_PLUGIN_AUTH = 0x80000;

    private static final int UTF8MB4_GENERAL_CI = 45; // known to MySQL and MariaDB alike
    private static final int MAX_CLIENT_PACKET = 16 * 1024 * 1024;
    // Greetings, auth packets and RSA keys are small; refuse to buffer more.
    private static final int MAX_SERVER_PACKET = 64 * 1024;

    private static final int HANDSHAKE_V10 = 0x0a;
    private static final int OK_PACKET = 0x00;
    private static final int AUTH_MORE_DATA = 0x01;
    private static final int AUTH_SWITCH_REQUEST = 0xfe;
    private static final int ERR_PACKET = 0xff;
    private static final byte COM_QUIT = 0x01;

    // caching_sha2_password: AuthMoreData statuses and the public-key request.
    private static final int FAST_AUTH_SUCCESS = 0x03;
    private static final int PERFORM_FULL_AUTHENTICATION = 0x04;
    private static final byte REQUEST_PUBLIC_KEY = 0x02;

    private static final String NATIVE = "mysql_native_password";
    private static final String CACHING_SHA2 = "caching_sha2_password";
    private static final List<String> SUPPORTED_PLUGINS = List.of(NATIVE, CACHING_SHA2);

    // Errors that mean the login itself was refused: the server is up, but the app, which
    // uses the same URL, cannot work with it either.
    private static final Map<Integer, String> LOGIN_REFUSED = Map.of(
            1044, "access denied to the database",
            1045, "access denied (user or password)",
            1049, "unknown database",
            1698, "access denied (no password given)");

    private MysqlProbe() {}

    private record Login(String user, byte[] password, String database) {}

    private record Greeting(int capabilities, byte[] nonce, String plugin) {}

    /**
     * Ready = the server accepts a login with the URL's user, password and database. Any ERR
     * packet (too many connections, host blocked, access denied, unknown database...) means
     * not ready, with the server's message.
     */
    public static void probe(String url, Duration timeout) throws IOException {
        ServiceUrl parsed = ServiceUrl.parse(url);
        Login login = new Login(parsed.user(), parsed.password().getBytes(StandardCharsets.UTF_8), parsed.path());

        Wire.converse(parsed.endpoint(DEFAULT_PORT, false), timeout, wire -> {
            PacketChannel channel = new PacketChannel(wire);
            Greeting greeting = parseGreeting(channel.read());
            authenticate(channel, greeting, login);
            // Say goodbye so the server logs no aborted connection. COM_QUIT starts a new
            // command, hence sequence id 0; the server just closes.
            channel.startCommand();
            channel.write(new byte[] {COM_QUIT});
        });
    }

    private static void authenticate(PacketChannel channel, Greeting greeting, Login login) throws IOException {
        int required = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
        if ((greeting.capabilities() & required) != required) {
            throw new IOException("server does not speak the MySQL 4.1+ protocol");
        }
        // The greeting names the server's default plugin. If we cannot answer it, start with
        // mysql_native_password: the server switches us to the account's own plugin if that
        // differs.
        String plugin = SUPPORTED_PLUGINS.contains(greeting.plugin()) ? greeting.plugin() : NATIVE;
        byte[] nonce = greeting.nonce();
        channel.write(handshakeResponse(greeting.capabilities(), login, plugin, scramble(plugin, login.password(), nonce)));

        // OK ends the exchange; bound the rounds so a confused server cannot loop us.
        for (int round = 0; round < 5; round++) {
            byte[] reply = channel.read();
            switch (reply[0] & 0xff) {
                case OK_PACKET:
                    return;
                case ERR_PACKET:
                    throw serverError(reply);
                case AUTH_SWITCH_REQUEST: {
                    Reader reader = new Reader(reply, 1);
                    // A bare 0xfe is the pre-4.1 switch to the old password hash.
                    plugin = reply.length == 1 ? "mysql_old_password" : reader.cstring();
                    nonce = withoutTrailingNul(reader.rest());
                    if (SUPPORTED_PLUGINS.contains(plugin)) {
                        channel.write(scramble(plugin, login.password(), nonce));
                        break;
                    }
                    // Hanging up, or a malformed answer, counts as a handshake error against
                    // max_connect_errors; an answer the server can check and refuse is a mere
                    // login failure. client_ed25519 expects a 64-byte signature (zeros never
                    // verify); other plugins get an empty answer.
                    channel.write(new byte[plugin.equals("client_ed25519") ? 64 : 0]);
                    if ((channel.read()[0] & 0xff) == OK_PACKET) return;
                    throw unsupportedPlugin(plugin);
                }
                case AUTH_MORE_DATA: {
                    if (!plugin.equals(CACHING_SHA2) || reply.length != 2) {
                        throw new IOException("unexpected AuthMoreData for " + plugin);
                    }
                    if (reply[1] == FAST_AUTH_SUCCESS) break; // an OK packet follows
                    if (reply[1] != PERFORM_FULL_AUTHENTICATION) {
                        throw new IOException("unexpected " + CACHING_SHA2 + " status " + reply[1]);
                    }
                    // The server has not cached this account since it started: it needs the
                    // password itself, which over plain TCP we encrypt with its key.
                    channel.write(new byte[] {REQUEST_PUBLIC_KEY});
                    byte[] key = channel.read();
                    if ((key[0] & 0xff) == ERR_PACKET) throw serverError(key);
                    if (key[0] != AUTH_MORE_DATA || key.length < 2) {
                        throw new IOException("server did not send its RSA public key");
                    }
                    channel.write(encryptPassword(login.password(), nonce, Arrays.copyOfRange(key, 1, key.length)));
                    break;
                }
                default:
                    throw new IOException("unexpected reply 0x" + Integer.toHexString(reply[0] & 0xff) + " during authentication");
            }
        }
        throw new IOException("authentication did not finish");
    }

    /**
     * Packets are a 3-byte little-endian payload length, a 1-byte sequence id and the payload.
     * Sequence ids count up across both directions within one exchange (greeting 0, our
     * response 1, ...).
     */
    private static final class PacketChannel {
        private final Wire wire;
        private int sequence;

        PacketChannel(Wire wire) {
            this.wire = wire;
        }

        byte[] read() throws IOException {
            byte[] header = wire.read(4);
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            int packetSequence = header[3] & 0xff;
            if (length == 0 || length > MAX_SERVER_PACKET) {
                throw new IOException("unexpected " + length + "-byte packet: not a MySQL server?");
            }
            if (packetSequence != sequence) {
                throw new IOException("packet out of order: sequence id " + packetSequence + ", expected " + sequence);
            }
            sequence = (sequence + 1) & 0xff;
            return wire.read(length);
        }

        void write(byte[] payload) throws IOException {
            byte[] packet = new byte[4 + payload.length];
            packet[0] = (byte) payload.length;
            packet[1] = (byte) (payload.length >>> 8);
            packet[2] = (byte) (payload.length >>> 16);
            packet[3] = (byte) sequence;
            System.arraycopy(payload, 0, packet, 4, payload.length);
            sequence = (sequence + 1) & 0xff;
            wire.write(packet);
        }

        void startCommand() {
            sequence = 0;
        }
    }

    /** Bounds-checked cursor over a packet payload. */
    private static final class Reader {
        private final byte[] buffer;
        private int offset;

        Reader(byte[] buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
        }

        int remaining() {
            return buffer.length - offset;
        }

        byte[] bytes(int length) throws IOException {
            if (length > remaining()) throw new IOException("malformed packet from the server");
            byte[] slice = Arrays.copyOfRange(buffer, offset, offset + length);
            offset += length;
            return slice;
        }

        int uint8() throws IOException {
            return bytes(1)[0] & 0xff;
        }

        int uint16() throws IOException {
            byte[] b = bytes(2);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8;
        }

        /** NUL-terminated string; some old servers omit the final NUL. */
        String cstring() {
            int end = offset;
            while (end < buffer.length && buffer[end] != 0) end++;
            String text = new String(buffer, offset, end - offset, StandardCharsets.UTF_8);
            offset = Math.min(end + 1, buffer.length);
            return text;
        }

        byte[] rest() throws IOException {
            return bytes(remaining());
        }
    }

    /** Protocol::HandshakeV10, or the ERR packet a server sends instead. */
    private static Greeting parseGreeting(byte[] payload) throws IOException {
        int kind = payload[0] & 0xff;
        if (kind == ERR_PACKET) throw serverError(payload);
        if (kind != HANDSHAKE_V10) throw new IOException("unsupported handshake protocol version " + kind);

        Reader reader = new Reader(payload, 1);
        reader.cstring(); // server version
        reader.bytes(4); // connection id
        byte[] nonceStart = reader.bytes(8);
        reader.bytes(1); // filler
        int capabilities = reader.uint16();
        byte[] nonceEnd = new byte[0];
        String plugin = NATIVE;
        if (reader.remaining() > 0) {
            reader.uint8(); // character set
            reader.uint16(); // status flags
            capabilities |= reader.uint16() << 16;
            int nonceLength = reader.uint8();
            reader.bytes(10); // reserved (MariaDB keeps extended capabilities here)
            if ((capabilities & CLIENT_SECURE_CONNECTION) != 0) {
                // At least 13 bytes, the last being a NUL that is not part of the nonce.
                nonceEnd = reader.bytes(Math.min(Math.max(13, nonceLength - 8), reader.remaining()));
            }
            if ((capabilities & CLIENT_PLUGIN_AUTH) != 0) {
                String named = reader.cstring();
                plugin = named.isEmpty() ? NATIVE : named;
            }
        }
        byte[] nonce = concat(nonceStart, nonceEnd);
        return new Greeting(capabilities, Arrays.copyOf(nonce, Math.min(20, nonce.length)), plugin);
    }

    /** Protocol::HandshakeResponse41. */
    private static byte[] handshakeResponse(int serverCapabilities, Login login, String plugin, byte[] authData) {
        boolean pluginAuth = (serverCapabilities & CLIENT_PLUGIN_AUTH) != 0;
        int flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
                | (pluginAuth ? CLIENT_PLUGIN_AUTH : 0)
                | (login.database().isEmpty() ? 0 : CLIENT_CONNECT_WITH_DB);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // flags, max packet size, charset, 23 zero bytes
        out.writeBytes(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(flags).putInt(MAX_CLIENT_PACKET).put((byte) UTF8MB4_GENERAL_CI).array());
        out.writeBytes((login.user() + "\0").getBytes(StandardCharsets.UTF_8));
        out.write(authData.length); // CLIENT_SECURE_CONNECTION: 1-byte length
        out.writeBytes(authData);
        if (!login.database().isEmpty()) out.writeBytes((login.database() + "\0").getBytes(StandardCharsets.UTF_8));
        if (pluginAuth) out.writeBytes((plugin + "\0").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** First answer of either plugin; an empty password is an empty answer. */
    static byte[] scramble(String plugin, byte[] password, byte[] nonce) {
        if (password.length == 0) return new byte[0];
        if (plugin.equals(NATIVE)) {
            // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
            byte[] stage1 = hash("SHA-1", password);
            return xor(stage1, hash("SHA-1", nonce, hash("SHA-1", stage1)));
        }
        // caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
        byte[] stage1 = hash("SHA-256", password);
        return xor(stage1, hash("SHA-256", hash("SHA-256", stage1), nonce));
    }

    /** caching_sha2_password full authentication over plain TCP: RSA-OAEP (SHA-1, MGF1). */
    private static byte[] encryptPassword(byte[] password, byte[] nonce, byte[] publicKeyPem) throws IOException {
        byte[] plain = xor(concat(password, new byte[] {0}), nonce);
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, publicKey(new String(publicKeyPem, StandardCharsets.US_ASCII)));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot encrypt the password with the server's RSA public key", e);
        }
    }

    /** A PEM public key: SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY"). */
    static PublicKey publicKey(String pem) throws GeneralSecurityException {
        boolean pkcs1 = pem.contains("BEGIN RSA PUBLIC KEY");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        if (pkcs1) {
            // Wrap in SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier rsaEncryption, BIT STRING }.
            byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
            byte[] bitString = concat(new byte[] {0x03}, derLength(der.length + 1), new byte[] {0}, der);
            byte[] body = concat(algorithm, bitString);
            der = concat(new byte[] {0x30}, derLength(body.length), body);
        }
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) return new byte[] {(byte) length};
        if (length < 0x100) return new byte[] {(byte) 0x81, (byte) length};
        return new byte[] {(byte) 0x82, (byte) (length >>> 8), (byte) length};
    }

    private static byte[] hash(String algorithm, byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            for (byte[] part : parts) digest.update(part);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    /** XOR with {@code key} repeated to the length of {@code data}. */
    private static byte[] xor(byte[] data, byte[] key) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) out[i] = (byte) (data[i] ^ key[i % key.length]);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    private static byte[] withoutTrailingNul(byte[] data) {
        return data.length > 0 && data[data.length - 1] == 0 ? Arrays.copyOf(data, data.length - 1) : data;
    }

    /** ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message. */
    private static IOException serverError(byte[] payload) {
        if (payload.length < 3) return new IOException("not ready: malformed error packet");
        int code = (payload[1] & 0xff) | (payload[2] & 0xff) << 8;
        // Errors sent before the handshake completes usually omit the SQLSTATE.
        int messageStart = payload.length >= 9 && payload[3] == '#' ? 9 : 3;
        String message = new String(payload, messageStart, payload.length - messageStart, StandardCharsets.UTF_8);
        String hint = LOGIN_REFUSED.containsKey(code)
                ? " (the probe logs in with the URL credentials and database, so the app cannot log in either)"
                : "";
        return new IOException("not ready: error " + code + ": " + message + hint);
    }

    private static IOException unsupportedPlugin(String plugin) {
        return new IOException("the account uses the " + plugin + " authentication plugin, which this probe does not "
                + "support (only " + String.join(" and ", SUPPORTED_PLUGINS) + "): switch the account to one of "
                + "those, or replace the probe with your driver's ping");
    }
}
