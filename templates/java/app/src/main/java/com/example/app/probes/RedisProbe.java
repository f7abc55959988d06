package com.example.app.probes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Speaks a few RESP commands directly so the app needs no client. Once you add one (Lettuce,
 * Jedis), replace this with its PING. Works for Redis and Valkey alike.
 */
public final class RedisProbe {

    public static final List<String> SCHEMES = List.of("redis", "rediss");

    private static final int DEFAULT_PORT = 6379;

    private RedisProbe() {}

    /**
     * AUTH (when the URL has a password), then PING, expecting +PONG. Errors such as -NOAUTH,
     * -WRONGPASS or -LOADING (still reading its dataset) mean not ready. rediss:// connects
     * over TLS.
     */
    public static void probe(String url, Duration timeout) throws IOException {
        ServiceUrl parsed = ServiceUrl.parse(url);
        String user = parsed.user();
        String password = parsed.password();

        Wire.converse(parsed.endpoint(DEFAULT_PORT, parsed.scheme().equals("rediss")), timeout, wire -> {
            if (!password.isEmpty()) {
                // redis://:secret@host is password-only AUTH (the "default" user).
                command(wire, "AUTH", user.isEmpty() ? List.of("AUTH", password) : List.of("AUTH", user, password));
            }
            String reply = command(wire, "PING", List.of("PING"));
            if (!reply.equals("+PONG")) throw new IOException("unexpected PING reply \"" + reply + "\"");
        });
    }

    /** Sends a RESP array of bulk strings and returns the one-line reply. */
    private static String command(Wire wire, String label, List<String> args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String arg : args) {
            request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        wire.write(request.toString());
        String reply = wire.readLine();
        // The error text never contains the password: servers don't echo it.
        if (reply.startsWith("-")) throw new IOException(label + " rejected: " + reply.substring(1));
        return reply;
    }
}
