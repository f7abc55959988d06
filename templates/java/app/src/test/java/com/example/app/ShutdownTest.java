package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    private final AppState state = new AppState();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();

    @Test
    void failsReadinessFirstThenClosesThenExitsZero() {
        List<String> events = new CopyOnWriteArrayList<>();
        Shutdown shutdown = new Shutdown(state, () -> events.add("close while shutting down: " + state.shuttingDown()), 5_000, exits::add);
        shutdown.handle("SIGTERM");
        assertEquals(List.of("close while shutting down: true"), events);
        assertEquals(List.of(0), exits);
    }

    @Test
    void forcesExitOneAfterTheTimeoutWhenClosingNeverFinishes() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Shutdown shutdown = new Shutdown(state, () -> {
            try {
                never.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 100, exits::add);
        Thread signal = new Thread(() -> shutdown.handle("SIGTERM"));
        signal.start();
        long started = System.nanoTime();
        while (exits.isEmpty() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) Thread.sleep(5);
        assertEquals(List.of(1), exits);
        never.countDown();
        signal.join();
    }

    @Test
    void aSecondSignalExitsImmediatelyWithOne() throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Shutdown shutdown = new Shutdown(state, () -> {
            closing.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 5_000, exits::add);
        Thread first = new Thread(() -> shutdown.handle("SIGINT"));
        first.start();
        assertTrue(closing.await(5, TimeUnit.SECONDS));
        shutdown.handle("SIGINT");
        assertEquals(List.of(1), exits);
        release.countDown();
        first.join();
    }

    @Test
    void aFailedCloseExitsOne() {
        new Shutdown(state, () -> {
            throw new IllegalStateException("boom");
        }, 5_000, exits::add).handle("SIGTERM");
        assertEquals(List.of(1), exits);
    }
}
