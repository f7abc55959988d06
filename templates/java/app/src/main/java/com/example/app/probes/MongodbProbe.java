package com.example.app.probes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends one {@code hello} command with a hand-rolled OP_MSG/BSON codec so the app needs no
 * driver. Once you add the MongoDB Java driver, replace this with a {@code ping} command.
 */
public final class MongodbProbe {

    public static final List<String> SCHEMES = List.of("mongodb", "mongodb+srv");

    private static final int DEFAULT_PORT = 27017;
    private static final int OP_MSG = 2013;
    private static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

    private MongodbProbe() {}

    /**
     * {@code hello} needs no authentication and answers as soon as mongod accepts connections;
     * {@code ok: 1} means ready. Only the first host of a seed list is checked. TLS is used
     * when the URL says tls=true or ssl=true.
     */
    public static void probe(String url, Duration timeout) throws IOException {
        ServiceUrl parsed = ServiceUrl.parse(url);
        if (parsed.scheme().equals("mongodb+srv")) {
            throw new IOException("mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: "
                    + "use a mongodb://host:port URL, or replace the probe with your driver's ping");
        }
        boolean tls = parsed.flag("tls") || parsed.flag("ssl");

        Wire.converse(parsed.endpoint(DEFAULT_PORT, tls), timeout, wire -> {
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("hello", 1);
            hello.put("$db", "admin");
            wire.write(opMsg(1, encodeDocument(hello)));

            // Header: messageLength, requestID, responseTo, opCode (int32 little-endian each).
            ByteBuffer header = ByteBuffer.wrap(wire.read(16)).order(ByteOrder.LITTLE_ENDIAN);
            int length = header.getInt(0);
            if (header.getInt(12) != OP_MSG || length < 21 || length > MAX_REPLY_BYTES) {
                throw new IOException("unexpected reply: not a MongoDB server (3.6 or later)?");
            }
            byte[] body = wire.read(length - 16);
            // body: flagBits (uint32), then section kind 0 followed by one document.
            if (body[4] != 0) throw new IOException("unexpected OP_MSG section in reply");
            Map<String, Object> reply = decodeTopLevel(ByteBuffer.wrap(body, 5, body.length - 5).slice());

            Object ok = reply.get("ok");
            if (!(ok instanceof Number number) || number.doubleValue() != 1) {
                Object reason = reply.getOrDefault("errmsg", reply.getOrDefault("codeName", "ok is not 1"));
                throw new IOException("not ready: " + reason);
            }
        });
    }

    static byte[] opMsg(int requestId, byte[] document) {
        ByteBuffer message = ByteBuffer.allocate(16 + 4 + 1 + document.length).order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(message.capacity()).putInt(requestId).putInt(0).putInt(OP_MSG);
        message.putInt(0); // flagBits
        message.put((byte) 0); // section kind 0: body document
        message.put(document);
        return message.array();
    }

    // --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

    static byte[] encodeDocument(Map<String, Object> fields) {
        ByteArrayOutputStream elements = new ByteArrayOutputStream();
        fields.forEach((key, value) -> {
            byte[] name = (key + "\0").getBytes(StandardCharsets.UTF_8);
            if (value instanceof Integer number) {
                elements.write(0x10);
                elements.writeBytes(name);
                elements.writeBytes(int32(number));
            } else {
                byte[] text = (value + "\0").getBytes(StandardCharsets.UTF_8);
                elements.write(0x02);
                elements.writeBytes(name);
                elements.writeBytes(int32(text.length));
                elements.writeBytes(text);
            }
        });
        elements.write(0);
        ByteArrayOutputStream document = new ByteArrayOutputStream();
        document.writeBytes(int32(elements.size() + 4));
        document.writeBytes(elements.toByteArray());
        return document.toByteArray();
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /**
     * Reads a document's top-level doubles, strings, int32/int64 and booleans; every other
     * value (sub-documents, ObjectIds, timestamps...) is skipped by size.
     */
    static Map<String, Object> decodeTopLevel(ByteBuffer document) throws IOException {
        ByteBuffer doc = document.order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Object> values = new HashMap<>();
        try {
            int end = doc.getInt(0) - 1; // the last byte is the document's NUL
            if (end >= doc.limit() || end < 4) throw new IOException("truncated BSON document in reply");
            int offset = 4;
            while (offset < end) {
                int type = doc.get(offset) & 0xff;
                int nameEnd = cstringEnd(doc, offset + 1);
                String name = utf8(doc, offset + 1, nameEnd);
                int at = nameEnd + 1;
                int size;
                switch (type) {
                    case 0x01 -> { values.put(name, doc.getDouble(at)); size = 8; } // double
                    case 0x02 -> { // string: int32 byte length (with NUL), bytes, NUL
                        int length = doc.getInt(at);
                        values.put(name, utf8(doc, at + 4, at + 4 + length - 1));
                        size = 4 + length;
                    }
                    case 0x08 -> { values.put(name, doc.get(at) == 1); size = 1; } // boolean
                    case 0x10 -> { values.put(name, doc.getInt(at)); size = 4; } // int32
                    case 0x12 -> { values.put(name, doc.getLong(at)); size = 8; } // int64
                    case 0x03, 0x04, 0x0f -> size = doc.getInt(at); // document, array, code with scope
                    case 0x05 -> size = 5 + doc.getInt(at); // binary: int32 length, subtype, bytes
                    case 0x0d, 0x0e -> size = 4 + doc.getInt(at); // JavaScript code, symbol
                    case 0x0c -> size = 4 + doc.getInt(at) + 12; // DBPointer: string + ObjectId
                    case 0x0b -> size = cstringEnd(doc, cstringEnd(doc, at) + 1) + 1 - at; // regex: two cstrings
                    case 0x07 -> size = 12; // ObjectId
                    case 0x09, 0x11 -> size = 8; // UTC datetime, timestamp
                    case 0x13 -> size = 16; // decimal128
                    case 0x06, 0x0a, 0x7f, 0xff -> size = 0; // undefined, null, max key, min key
                    default -> throw new IOException("unsupported BSON type 0x" + Integer.toHexString(type) + " in reply");
                }
                if (size < 0) throw new IOException("malformed BSON document in reply");
                offset = at + size;
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("truncated BSON document in reply", e);
        }
        return values;
    }

    private static int cstringEnd(ByteBuffer doc, int from) throws IOException {
        for (int i = from; i < doc.limit(); i++) {
            if (doc.get(i) == 0) return i;
        }
        throw new IOException("malformed BSON document in reply");
    }

    private static String utf8(ByteBuffer doc, int from, int to) {
        byte[] bytes = new byte[to - from];
        doc.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
