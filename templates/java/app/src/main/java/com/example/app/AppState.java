package com.example.app;

import java.util.concurrent.atomic.AtomicBoolean;

/** Flipped by the shutdown handler; read on every request. */
public final class AppState {

    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    public boolean shuttingDown() {
        return shuttingDown.get();
    }

    /** True for the first caller only. */
    boolean beginShutdown() {
        return shuttingDown.compareAndSet(false, true);
    }
}
