package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void readsLinesAndExactLengthsAcrossChunks() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            for (byte b : "HELLO\r\nabcdef".getBytes()) {
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                Thread.sleep(1);
            }
            FakeServer.awaitHangup(socket);
        })) {
            Wire.converse(new Wire.Endpoint("127.0.0.1", server.port(), false), Duration.ofSeconds(2), wire -> {
                assertEquals("HELLO", wire.readLine());
                assertEquals("abc", new String(wire.read(3)));
                assertEquals("def", new String(wire.read(3)));
            });
            server.await();
        }
    }

    @Test
    void errorsNameTheEndpoint() throws Exception {
        int port = FakeServer.closedPort();
        Wire.ProbeException refused = assertThrows(Wire.ProbeException.class,
                () -> Wire.converse(new Wire.Endpoint("127.0.0.1", port, false), Duration.ofSeconds(2), wire -> {}));
        assertEquals("127.0.0.1:" + port + ": connection refused", refused.getMessage());

        try (FakeServer server = FakeServer.start(socket -> socket.close())) {
            Wire.ProbeException closed = assertThrows(Wire.ProbeException.class,
                    () -> Wire.converse(new Wire.Endpoint("127.0.0.1", server.port(), false), Duration.ofSeconds(2), Wire::readLine));
            assertEquals("127.0.0.1:" + server.port() + ": connection closed by the server", closed.getMessage());
        }
    }

    @Test
    void theDeadlineCoversTheWholeExchange() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            // One byte every 50 ms: each read is quick, the exchange is not.
            for (int i = 0; i < 200; i++) {
                socket.getOutputStream().write('x');
                socket.getOutputStream().flush();
                Thread.sleep(50);
            }
        })) {
            long started = System.nanoTime();
            Wire.ProbeException e = assertThrows(Wire.ProbeException.class,
                    () -> Wire.converse(new Wire.Endpoint("127.0.0.1", server.port(), false), Duration.ofMillis(300), Wire::readLine));
            assertTrue(e.getMessage().endsWith("no answer within 300 ms"), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 5_000);
        }
    }

    @Test
    void protocolVerdictsGetTheSamePrefix() {
        Wire.ProbeException e = assertThrows(Wire.ProbeException.class, () -> {
            try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
                Wire.converse(new Wire.Endpoint("127.0.0.1", server.port(), false), Duration.ofSeconds(2), wire -> {
                    throw new java.io.IOException("not ready: busy");
                });
            }
        });
        assertTrue(e.getMessage().matches("127\\.0\\.0\\.1:\\d+: not ready: busy"), e.getMessage());
        assertEquals("[::1]:5432", new Wire.Endpoint("::1", 5432, false).toString());
    }
}
