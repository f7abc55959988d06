package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PostgresProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    private static byte[] error(String code, String text) {
        return message('E', ("SFATAL\0C" + code + "\0M" + text + "\0\0").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a StartupMessage and returns its parameters. */
    private static Map<String, String> readStartup(InputStream in) throws IOException {
        ByteBuffer head = ByteBuffer.wrap(FakeServer.readExactly(in, 8));
        int length = head.getInt();
        assertEquals(196_608, head.getInt(), "protocol 3.0");
        String[] parts = new String(FakeServer.readExactly(in, length - 8), StandardCharsets.UTF_8).split("\0");
        Map<String, String> parameters = new java.util.HashMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) parameters.put(parts[i], parts[i + 1]);
        return parameters;
    }

    @Test
    void readyWhenTheServerAsksForAuthenticationSendingUserAndDatabase() throws Exception {
        AtomicReference<Map<String, String>> startup = new AtomicReference<>();
        try (FakeServer server = FakeServer.start(socket -> {
            startup.set(readStartup(socket.getInputStream()));
            // AuthenticationMD5Password with a salt.
            socket.getOutputStream().write(message('R', new byte[] {0, 0, 0, 5, 1, 2, 3, 4}));
            FakeServer.awaitHangup(socket);
        })) {
            PostgresProbe.probe("postgres://app%2Bro:secret@127.0.0.1:" + server.port() + "/orders", TIMEOUT);
            server.await();
        }
        assertEquals(Map.of("user", "app+ro", "database", "orders", "application_name", "readiness-probe"), startup.get());
    }

    @Test
    void defaultsUserAndDatabaseLikePsql() throws Exception {
        AtomicReference<Map<String, String>> startup = new AtomicReference<>();
        try (FakeServer server = FakeServer.start(socket -> {
            startup.set(readStartup(socket.getInputStream()));
            socket.getOutputStream().write(message('R', new byte[] {0, 0, 0, 0}));
        })) {
            PostgresProbe.probe("postgresql://127.0.0.1:" + server.port(), TIMEOUT);
            server.await();
        }
        assertEquals("postgres", startup.get().get("user"));
        assertEquals("postgres", startup.get().get("database"));
    }

    @Test
    void notReadyOnAnErrorResponseReportingItsSqlstate() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            readStartup(socket.getInputStream());
            socket.getOutputStream().write(error("57P03", "the database system is starting up"));
        })) {
            IOException e = assertThrows(IOException.class,
                    () -> PostgresProbe.probe("postgres://app@127.0.0.1:" + server.port() + "/app", TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": not ready: 57P03 the database system is starting up", e.getMessage());
        }
    }

    @Test
    void anAuthenticationFailureStillMeansTheServerIsUp() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            readStartup(socket.getInputStream());
            socket.getOutputStream().write(error("28P01", "password authentication failed for user \"app\""));
        })) {
            assertDoesNotThrow(() -> PostgresProbe.probe("postgres://app:wrong@127.0.0.1:" + server.port() + "/app", TIMEOUT));
        }
    }

    @Test
    void rejectsAServerThatIsNotPostgres() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> FakeServer.send(socket, "HTTP/1.1 400 Bad Request\r\n\r\n"))) {
            IOException e = assertThrows(IOException.class, () -> PostgresProbe.probe("postgres://127.0.0.1:" + server.port(), TIMEOUT));
            assertTrue(e.getMessage().endsWith("unexpected reply \"H\": not a PostgreSQL server?"), e.getMessage());
        }
    }

    @Test
    void timesOutAgainstAServerThatNeverAnswers() throws Exception {
        try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
            IOException e = assertThrows(IOException.class,
                    () -> PostgresProbe.probe("postgres://127.0.0.1:" + server.port() + "/app", Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }

    @Test
    void reportsARefusedConnection() throws Exception {
        int port = FakeServer.closedPort();
        IOException e = assertThrows(IOException.class, () -> PostgresProbe.probe("postgres://127.0.0.1:" + port + "/app", TIMEOUT));
        assertEquals("127.0.0.1:" + port + ": connection refused", e.getMessage());
    }
}
