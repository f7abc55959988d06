package com.example.app.probes;

import java.time.Duration;

/** Returns when the dependency at {@code url} answers; throws a readable exception otherwise. */
@FunctionalInterface
public interface Probe {

    /** Covers connect and the whole exchange, unless a probe is called with its own. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    void check(String url, Duration timeout) throws Exception;
}
