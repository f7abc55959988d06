package com.example.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs every check in parallel. Concurrent callers share one run, so a burst of /readyz
 * requests never turns into a burst of connections to the database.
 */
public final class Readiness {

    /** One dependency check; returns normally when the dependency answers. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    public record NamedCheck(String name, Check check) {}

    public record Failure(String name, Throwable error) {}

    /** {@code checks} maps each name to "ok" or "fail", in declaration order. */
    public record Report(boolean ready, Map<String, String> checks, List<Failure> failures) {}

    private final List<NamedCheck> checks;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "readiness-check");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<Report> inFlight;

    /**
     * @param timeout a bound on each check as a whole, on top of the probes' own deadlines
     *     (which cannot cover a slow DNS lookup)
     */
    public Readiness(List<NamedCheck> checks, Duration timeout) {
        this.checks = List.copyOf(checks);
        this.timeout = timeout;
    }

    public static Readiness of(Config config, Duration probeTimeout) {
        List<NamedCheck> checks = new ArrayList<>();
        for (Config.Configured dependency : config.dependencies()) {
            checks.add(new NamedCheck(dependency.name(), () -> dependency.probe().check(dependency.url(), probeTimeout)));
        }
        // The probes give up on their own; the extra second only catches what they cannot.
        return new Readiness(checks, probeTimeout.plusSeconds(1));
    }

    public Report check() {
        CompletableFuture<Report> run;
        synchronized (this) {
            run = inFlight;
            if (run == null) {
                CompletableFuture<Report> started = runAll();
                inFlight = started;
                run = started;
                // Runs at once when there are no checks: only ever clear our own run.
                started.whenComplete((report, error) -> {
                    synchronized (this) {
                        if (inFlight == started) inFlight = null;
                    }
                });
            }
        }
        return run.join();
    }

    private CompletableFuture<Report> runAll() {
        List<CompletableFuture<Throwable>> results = new ArrayList<>();
        for (NamedCheck named : checks) {
            results.add(CompletableFuture.runAsync(() -> {
                        try {
                            named.check().run();
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    }, executor)
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((ok, error) -> error == null ? null : unwrap(error)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, String> statuses = new LinkedHashMap<>();
            List<Failure> failures = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                String name = checks.get(i).name();
                Throwable error = results.get(i).join();
                statuses.put(name, error == null ? "ok" : "fail");
                if (error != null) failures.add(new Failure(name, error));
            }
            return new Report(failures.isEmpty(), statuses, failures);
        });
    }

    private Throwable unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        return cause;
    }
}
