package com.example.app;

import com.example.app.probes.*;
import java.util.List;

/**
 * What was chosen when this project was generated: the service name, the default port and
 * the backing services that must answer before the app reports ready. To add a dependency,
 * add a probe under probes/ and an entry here.
 */
final class Services {

    static final String NAME = "accounts";

    static final int DEFAULT_PORT = 8080;

    static final List<Dependency> DEPENDENCIES = List.of(
            // None were chosen: /readyz answers ready as soon as the server listens.
    );

    private Services() {}
}
