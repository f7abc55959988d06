package com.example.app;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness and readiness endpoints for the orchestrator. GET mappings also answer HEAD. */
@RestController
public class ProbeController {

    private static final Logger log = LoggerFactory.getLogger(ProbeController.class);

    private final Readiness readiness;
    private final AppState state;

    public ProbeController(Readiness readiness, AppState state) {
        this.readiness = readiness;
        this.state = state;
    }

    /**
     * Liveness: never looks at dependencies, or a database outage would make Kubernetes
     * restart every healthy pod.
     */
    @GetMapping("/healthz")
    public ResponseEntity<Map<String, Object>> healthz() {
        return json(HttpStatus.OK, Map.of("status", "ok"));
    }

    @GetMapping("/readyz")
    public ResponseEntity<Map<String, Object>> readyz() {
        // Fail readiness first so the load balancer drains this pod before it stops.
        if (state.shuttingDown()) {
            return json(HttpStatus.SERVICE_UNAVAILABLE, Map.of("status", "shutting down", "checks", Map.of()));
        }
        Readiness.Report report = readiness.check();
        for (Readiness.Failure failure : report.failures()) {
            log.atWarn()
                    .addKeyValue("check", failure.name())
                    .addKeyValue("error", String.valueOf(failure.error().getMessage()))
                    .log("readiness check failed");
        }
        // Only check names and ok/fail go out: error details can reveal internal hostnames,
        // so they stay in the log line above.
        return json(
                report.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                Map.of("status", report.ready() ? "ready" : "not ready", "checks", report.checks()));
    }

    // Add your routes in controllers of their own.

    private static ResponseEntity<Map<String, Object>> json(HttpStatus status, Map<String, Object> body) {
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).body(body);
    }
}
