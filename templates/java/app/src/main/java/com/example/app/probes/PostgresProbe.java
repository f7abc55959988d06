package com.example.app.probes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Speaks just enough of the PostgreSQL wire protocol to need no driver. Once you add one
 * (the PostgreSQL JDBC driver with a pool), replace this with a {@code SELECT 1} on the pool.
 */
public final class PostgresProbe {

    public static final List<String> SCHEMES = List.of("postgres", "postgresql");

    private static final int DEFAULT_PORT = 5432;
    private static final int PROTOCOL_3_0 = 196_608; // major 3 << 16 | minor 0

    // Like pg_isready, a server that rejects our credentials is still up and answering: a
    // wrong password is a configuration bug that restarting or unrouting pods will not fix,
    // and the app's own connections report it.
    private static final Set<String> SERVER_UP_SQLSTATES = Set.of("28000", "28P01");

    private PostgresProbe() {}

    /**
     * pg_isready semantics: send a StartupMessage and read the first reply. An Authentication
     * request ('R') means the server accepts connections; an ErrorResponse ('E') means it does
     * not (starting up, too many clients...), except for the auth failures above. The probe
     * hangs up before authenticating, so no password is ever sent.
     */
    public static void probe(String url, Duration timeout) throws IOException {
        ServiceUrl parsed = ServiceUrl.parse(url);
        String user = parsed.user().isEmpty() ? "postgres" : parsed.user();
        String database = parsed.path().isEmpty() ? user : parsed.path();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", database);
        parameters.put("application_name", "readiness-probe");

        Wire.converse(parsed.endpoint(DEFAULT_PORT, false), timeout, wire -> {
            wire.write(startupMessage(parameters));
            ByteBuffer header = ByteBuffer.wrap(wire.read(5));
            char type = (char) (header.get() & 0xff);
            int length = header.getInt();
            if (type == 'R') return;
            if (type != 'E' || length < 4 || length > 64 * 1024) {
                throw new IOException("unexpected reply \"" + type + "\": not a PostgreSQL server?");
            }
            Map<Character, String> fields = errorFields(wire.read(length - 4));
            String code = fields.getOrDefault('C', "unknown SQLSTATE");
            if (SERVER_UP_SQLSTATES.contains(code)) return;
            throw new IOException(("not ready: " + code + " " + fields.getOrDefault('M', "")).strip());
        });
    }

    static byte[] startupMessage(Map<String, String> parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // Each key and value is NUL-terminated, and one more NUL ends the list.
        parameters.forEach((key, value) -> {
            body.writeBytes(key.getBytes(StandardCharsets.UTF_8));
            body.write(0);
            body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        });
        body.write(0);
        return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size()).putInt(PROTOCOL_3_0).put(body.toByteArray()).array();
    }

    /** ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL. */
    static Map<Character, String> errorFields(byte[] body) {
        Map<Character, String> fields = new HashMap<>();
        int offset = 0;
        while (offset < body.length && body[offset] != 0) {
            char code = (char) (body[offset] & 0xff);
            int end = offset + 1;
            while (end < body.length && body[end] != 0) end++;
            if (end == body.length) break;
            fields.put(code, new String(body, offset + 1, end - offset - 1, StandardCharsets.UTF_8));
            offset = end + 1;
        }
        return fields;
    }
}
