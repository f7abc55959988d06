package com.example.app.probes;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Uses the text protocol's {@code version} command so the app needs no client. Once you add
 * one, replace this with its version or stats call.
 */
public final class MemcachedProbe {

    public static final List<String> SCHEMES = List.of("memcached");

    private static final int DEFAULT_PORT = 11211;

    private MemcachedProbe() {}

    /** {@code version} answered with {@code VERSION x.y.z} means ready; anything else does not. */
    public static void probe(String url, Duration timeout) throws IOException {
        ServiceUrl parsed = ServiceUrl.parse(url);
        Wire.converse(parsed.endpoint(DEFAULT_PORT, false), timeout, wire -> {
            wire.write("version\r\n");
            String reply = wire.readLine();
            if (!reply.startsWith("VERSION ")) throw new IOException("unexpected reply \"" + reply + "\"");
        });
    }
}
