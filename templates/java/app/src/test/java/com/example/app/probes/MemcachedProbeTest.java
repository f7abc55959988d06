package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MemcachedProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static FakeServer answering(String reply, List<String> received) throws IOException {
        return FakeServer.start(socket -> {
            received.add(FakeServer.readLine(socket.getInputStream()));
            FakeServer.send(socket, reply + "\r\n");
            FakeServer.awaitHangup(socket);
        });
    }

    @Test
    void readyOnVersion() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (FakeServer server = answering("VERSION 1.6.38", received)) {
            MemcachedProbe.probe("memcached://127.0.0.1:" + server.port(), TIMEOUT);
            server.await();
        }
        assertEquals(List.of("version"), received);
    }

    @Test
    void notReadyOnAnyOtherReply() throws Exception {
        try (FakeServer server = answering("SERVER_ERROR out of memory", new CopyOnWriteArrayList<>())) {
            IOException e = assertThrows(IOException.class, () -> MemcachedProbe.probe("memcached://127.0.0.1:" + server.port(), TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": unexpected reply \"SERVER_ERROR out of memory\"", e.getMessage());
        }
    }

    @Test
    void timesOutAgainstAServerThatNeverAnswers() throws Exception {
        try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
            IOException e = assertThrows(IOException.class,
                    () -> MemcachedProbe.probe("memcached://127.0.0.1:" + server.port(), Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }
}
