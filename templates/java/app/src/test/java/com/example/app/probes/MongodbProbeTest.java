package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MongodbProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A BSON document written element by element, as mongod would. */
    private static final class Bson {
        private final ByteArrayOutputStream elements = new ByteArrayOutputStream();

        private Bson element(int type, String name, byte[] value) {
            elements.write(type);
            elements.writeBytes((name + "\0").getBytes(StandardCharsets.UTF_8));
            elements.writeBytes(value);
            return this;
        }

        Bson bool(String name, boolean value) {
            return element(0x08, name, new byte[] {(byte) (value ? 1 : 0)});
        }

        Bson int32(String name, int value) {
            return element(0x10, name, le(4).putInt(value).array());
        }

        Bson dbl(String name, double value) {
            return element(0x01, name, le(8).putDouble(value).array());
        }

        Bson dateTime(String name, long millis) {
            return element(0x09, name, le(8).putLong(millis).array());
        }

        Bson string(String name, String value) {
            byte[] text = (value + "\0").getBytes(StandardCharsets.UTF_8);
            return element(0x02, name, ByteBuffer.allocate(4 + text.length).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length).put(text).array());
        }

        Bson document(String name, Bson value) {
            return element(0x03, name, value.bytes());
        }

        byte[] bytes() {
            byte[] body = elements.toByteArray();
            return ByteBuffer.allocate(4 + body.length + 1).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + body.length + 1).put(body).array();
        }

        private static ByteBuffer le(int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Reads one OP_MSG and returns the top-level fields of its body document. */
    private static Map<String, Object> readRequest(InputStream in, AtomicReference<Integer> requestId) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(FakeServer.readExactly(in, 16)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2013, header.getInt(12), "OP_MSG");
        requestId.set(header.getInt(4));
        byte[] body = FakeServer.readExactly(in, header.getInt(0) - 16);
        assertEquals(0, body[4], "section kind 0");
        return MongodbProbe.decodeTopLevel(ByteBuffer.wrap(body, 5, body.length - 5).slice());
    }

    private static byte[] reply(int responseTo, Bson document) {
        byte[] doc = document.bytes();
        return ByteBuffer.allocate(16 + 5 + doc.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(16 + 5 + doc.length).putInt(99).putInt(responseTo).putInt(2013)
                .putInt(0).put((byte) 0).put(doc).array();
    }

    @Test
    void readyWhenHelloAnswersOk() throws Exception {
        AtomicReference<Map<String, Object>> request = new AtomicReference<>();
        try (FakeServer server = FakeServer.start(socket -> {
            AtomicReference<Integer> id = new AtomicReference<>();
            request.set(readRequest(socket.getInputStream(), id));
            socket.getOutputStream().write(reply(id.get(), new Bson()
                    .bool("isWritablePrimary", true)
                    .document("topologyVersion", new Bson().int32("counter", 0))
                    .int32("maxBsonObjectSize", 16_777_216)
                    .dateTime("localTime", 1_700_000_000_000L)
                    .string("msg", "isdbgrid")
                    .dbl("ok", 1.0)));
            FakeServer.awaitHangup(socket);
        })) {
            MongodbProbe.probe("mongodb://root:pw@127.0.0.1:" + server.port() + ",other:27017/?authSource=admin", TIMEOUT);
            server.await();
        }
        assertEquals(1, request.get().get("hello"));
        assertEquals("admin", request.get().get("$db"));
    }

    @Test
    void notReadyWhenOkIsZeroWithTheServerMessage() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            AtomicReference<Integer> id = new AtomicReference<>();
            readRequest(socket.getInputStream(), id);
            socket.getOutputStream().write(reply(id.get(), new Bson()
                    .dbl("ok", 0).string("errmsg", "node is recovering").int32("code", 11600)));
        })) {
            IOException e = assertThrows(IOException.class, () -> MongodbProbe.probe("mongodb://127.0.0.1:" + server.port(), TIMEOUT));
            assertEquals("127.0.0.1:" + server.port() + ": not ready: node is recovering", e.getMessage());
        }
    }

    @Test
    void rejectsMongodbSrvWithAClearMessage() {
        IOException e = assertThrows(IOException.class, () -> MongodbProbe.probe("mongodb+srv://cluster.example.net/app", TIMEOUT));
        assertTrue(e.getMessage().contains("DNS SRV lookup"), e.getMessage());
    }

    @Test
    void rejectsAServerThatIsNotMongodb() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> FakeServer.send(socket, "HTTP/1.1 400 Bad Request\r\n\r\n"))) {
            IOException e = assertThrows(IOException.class, () -> MongodbProbe.probe("mongodb://127.0.0.1:" + server.port(), TIMEOUT));
            assertTrue(e.getMessage().contains("not a MongoDB server"), e.getMessage());
        }
    }

    @Test
    void timesOutAgainstAServerThatNeverAnswers() throws Exception {
        try (FakeServer server = FakeServer.start(FakeServer::awaitHangup)) {
            IOException e = assertThrows(IOException.class,
                    () -> MongodbProbe.probe("mongodb://127.0.0.1:" + server.port(), Duration.ofMillis(150)));
            assertTrue(e.getMessage().endsWith("no answer within 150 ms"), e.getMessage());
        }
    }
}
