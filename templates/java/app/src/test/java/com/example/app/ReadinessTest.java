package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void noChecksMeansReady() {
        Readiness.Report report = new Readiness(List.of(), TIMEOUT).check();
        assertTrue(report.ready());
        assertEquals(Map.of(), report.checks());
    }

    @Test
    void concurrentCallersShareOneRunOfTheChecks() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Readiness readiness = new Readiness(List.of(new Readiness.NamedCheck("db", () -> {
            runs.incrementAndGet();
            release.await(5, TimeUnit.SECONDS);
        })), TIMEOUT);
        CompletableFuture<Readiness.Report> first = CompletableFuture.supplyAsync(readiness::check);
        while (runs.get() == 0) Thread.sleep(1);
        CompletableFuture<Readiness.Report> second = CompletableFuture.supplyAsync(readiness::check);
        Thread.sleep(50);
        release.countDown();
        assertSame(first.get(5, TimeUnit.SECONDS), second.get(5, TimeUnit.SECONDS));
        assertEquals(1, runs.get());
        // A later call runs the checks again.
        readiness.check();
        assertEquals(2, runs.get());
    }

    @Test
    void aFailingCheckIsReportedWithItsErrorInDeclarationOrder() {
        Readiness readiness = new Readiness(List.of(
                new Readiness.NamedCheck("postgres", () -> {
                    throw new IOException("10.0.0.7:5432: connection refused");
                }),
                new Readiness.NamedCheck("redis", () -> {})), TIMEOUT);
        Readiness.Report report = readiness.check();
        assertFalse(report.ready());
        assertEquals(List.of("postgres", "redis"), List.copyOf(report.checks().keySet()));
        assertEquals(Map.of("postgres", "fail", "redis", "ok"), report.checks());
        assertEquals("10.0.0.7:5432: connection refused", report.failures().get(0).error().getMessage());
    }

    @Test
    void aCheckThatHangsIsCutOffAtTheTimeout() {
        Readiness readiness = new Readiness(List.of(new Readiness.NamedCheck("dns", () -> Thread.sleep(10_000))), Duration.ofMillis(100));
        long started = System.nanoTime();
        Readiness.Report report = readiness.check();
        assertFalse(report.ready());
        assertEquals("no answer within 100 ms", report.failures().get(0).error().getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 5_000);
    }

    @Test
    void checksRunInParallel() {
        // Each check waits for the other to start: run one after the other, both would time out.
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Readiness.Check meet = () -> bothRunning.await(5, TimeUnit.SECONDS);
        Readiness readiness = new Readiness(List.of(new Readiness.NamedCheck("a", meet), new Readiness.NamedCheck("b", meet)), Duration.ofSeconds(10));
        assertTrue(readiness.check().ready());
    }
}
