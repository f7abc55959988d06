package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RedisProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Reads one RESP array of bulk strings. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = FakeServer.readLine(in);
        assertTrue(header.startsWith("*"), header);
        List<String> args = new ArrayList<>();
        for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
            int length = Integer.parseInt(FakeServer.readLine(in).substring(1));
            args.add(new String(FakeServer.readExactly(in, length), java.nio.charset.StandardCharsets.UTF_8));
            FakeServer.readExactly(in, 2);
        }
        return args;
    }

    /** Answers each command from {@code replies} in turn and records what was sent. */
    private static FakeServer server(List<List<String>> received, String... replies) throws IOException {
        return FakeServer.start(socket -> {
            for (String reply : replies) {
                received.add(readCommand(socket.getInputStream()));
                FakeServer.send(socket, reply + "\r\n");
            }
            FakeServer.awaitHangup(socket);
        });
    }

    @Test
    void readyOnPongWithoutAuthWhenTheUrlHasNoPassword() throws Exception {
        List<List<String>> received = new CopyOnWriteArrayList<>();
        try (FakeServer server = server(received, "+PONG")) {
            RedisProbe.probe("redis://127.0.0.1:" + server.port(), TIMEOUT);
            server.await();
        }
        assertEquals(List.of(List.of("PING")), received);
    }

    @Test
    void sendsAuthWithUsernameAndPasswordFirst() throws Exception {
        List<List<String>> received = new CopyOnWriteArrayList<>();
        try (FakeServer server = server(received, "+OK", "+PONG")) {
            RedisProbe.probe("redis://probe:s%C3%A9cret@127.0.0.1:" + server.port() + "/0", TIMEOUT);
            server.await();
        }
        assertEquals(List.of(List.of("AUTH", "probe", "sécret"), List.of("PING")), received);
    }

    @Test
    void passwordOnlyUrlsSendTheOneArgumentAuth() throws Exception {
        List<List<String>> received = new CopyOnWriteArrayList<>();
        try (FakeServer server = server(received, "+OK", "+PONG")) {
            RedisProbe.probe("redis://:dev-only-password@127.0.0.1:" + server.port() + "/0", TIMEOUT);
            server.await();
        }
        assertEquals(List.of("AUTH", "dev-only-password"), received.get(0));
    }

    @Test
    void notReadyWhenTheServerRefusesWithItsMessage() throws Exception {
        try (FakeServer server = server(new ArrayList<>(), "-NOAUTH Authentication required.")) {
            IOException e = assertThrows(IOException.class, () -> RedisProbe.probe("redis://127.0.0.1:" + server.port(), TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": PING rejected: NOAUTH Authentication required.", e.getMessage());
        }
        try (FakeServer server = server(new ArrayList<>(), "-WRONGPASS invalid username-password pair")) {
            IOException e = assertThrows(IOException.class, () -> RedisProbe.probe("redis://:bad@127.0.0.1:" + server.port(), TIMEOUT));
            assertTrue(e.getMessage().contains("AUTH rejected: WRONGPASS"), e.getMessage());
            assertTrue(!e.getMessage().contains("bad"), "never echoes the password");
        }
    }

    @Test
    void redissStartsATlsHandshake() throws Exception {
        List<Integer> firstByte = new CopyOnWriteArrayList<>();
        try (FakeServer server = FakeServer.start(socket -> {
            firstByte.add(socket.getInputStream().read());
            socket.close();
        })) {
            // A JVM's first TLS connection loads its trust store: give it time on a busy machine.
            assertThrows(IOException.class, () -> RedisProbe.probe("rediss://127.0.0.1:" + server.port(), Duration.ofSeconds(15)));
            server.await();
        }
        assertEquals(0x16, firstByte.get(0), "a TLS ClientHello, not a RESP command");
    }

    @Test
    void timesOutAgainstAServerThatNeverAnswers() throws Exception {
        try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
            IOException e = assertThrows(IOException.class, () -> RedisProbe.probe("redis://127.0.0.1:" + server.port(), Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }
}
