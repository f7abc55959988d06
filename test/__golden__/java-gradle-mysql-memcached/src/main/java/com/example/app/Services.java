package com.example.app;

import com.example.app.probes.*;
import java.util.List;

/**
 * What was chosen when this project was generated: the service name, the default port and
 * the backing services that must answer before the app reports ready. To add a dependency,
 * add a probe under probes/ and an entry here.
 */
final class Services {

    static final String NAME = "billing";

    static final int DEFAULT_PORT = 9090;

    static final List<Dependency> DEPENDENCIES = List.of(
            // MySQL: 'DATABASE_URL' holds its connection URL.
            new Dependency("mysql", "DATABASE_URL", MysqlProbe.SCHEMES, MysqlProbe::probe),
            // Memcached: 'CACHE_URL' holds its connection URL.
            new Dependency("memcached", "CACHE_URL", MemcachedProbe.SCHEMES, MemcachedProbe::probe)
    );

    private Services() {}
}
