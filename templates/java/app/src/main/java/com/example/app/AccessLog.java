package com.example.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** One log line per request, with method, path, status and duration. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class AccessLog extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    // Kubernetes probes hit these every few seconds: their lines go to debug so they don't
    // drown the real traffic.
    private static final Set<String> PROBE_PATHS = Set.of("/healthz", "/readyz");

    private final AppState state;

    public AccessLog(AppState state) {
        this.state = state;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long started = System.nanoTime();
        // Once shutdown has begun, close keep-alive connections after each response so the
        // server can finish closing instead of waiting on clients.
        if (state.shuttingDown()) response.setHeader("Connection", "close");
        try {
            chain.doFilter(request, response);
        } finally {
            // The query string is left out on purpose: it often carries tokens.
            String path = request.getRequestURI();
            double durationMs = Math.round((System.nanoTime() - started) / 10_000.0) / 100.0;
            log.atLevel(PROBE_PATHS.contains(path) ? Level.DEBUG : Level.INFO)
                    .addKeyValue("method", request.getMethod())
                    .addKeyValue("path", path)
                    .addKeyValue("status", response.getStatus())
                    .addKeyValue("durationMs", durationMs)
                    .log("request");
        }
    }
}
