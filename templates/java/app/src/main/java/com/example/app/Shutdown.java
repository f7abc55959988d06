package com.example.app;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Graceful shutdown on SIGTERM (Kubernetes, Docker) and SIGINT (Ctrl-C): readiness fails
 * first, then Spring closes the context, which stops accepting connections and lets
 * in-flight requests finish (server.shutdown=graceful), and the process exits 0. Kubernetes
 * sends SIGTERM, waits terminationGracePeriodSeconds (30 s by default), then SIGKILLs: keep
 * SHUTDOWN_TIMEOUT_MS below that so our own forced exit is the one logged.
 *
 * <p>The JVM's default handler would run the shutdown hooks too, but then exits with 143
 * (128 + SIGTERM); this handler exits 0 after a clean shutdown, and 1 after a timeout. It is
 * installed through {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly this
 * use), looked up reflectively so the build has no internal-API warnings and a runtime
 * without it falls back to the JVM's default.
 */
public final class Shutdown {

    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private final AppState state;
    private final Runnable close;
    private final long timeoutMs;
    private final IntConsumer exit;

    /**
     * @param close stops the server once in-flight requests are done (closes the context)
     * @param exit ends the process; injected so tests can observe the code instead of dying
     */
    public Shutdown(AppState state, Runnable close, long timeoutMs, IntConsumer exit) {
        this.state = state;
        this.close = close;
        this.timeoutMs = timeoutMs;
        this.exit = exit;
    }

    /** Handles SIGTERM and SIGINT for this context. */
    public static void install(ConfigurableApplicationContext context, AppState state, long timeoutMs) {
        Shutdown shutdown = new Shutdown(state, context::close, timeoutMs, Shutdown::exitProcess);
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                // A thread of its own per signal, so a second one is seen at once; not a daemon,
                // or the JVM would end as soon as the server's threads have stopped, before the
                // rest of the context is closed and the exit code chosen.
                onSignal(name, () -> {
                    Thread thread = new Thread(() -> shutdown.handle("SIG" + name), "shutdown-SIG" + name);
                    thread.setDaemon(false);
                    thread.start();
                });
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.atWarn().setCause(e).log("cannot handle signals: SIGTERM exits with 143 after the shutdown hooks");
        }
    }

    /** {@code sun.misc.Signal.handle(new Signal(name), handler)}. */
    private static void onSignal(String name, Runnable handler) throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        Object proxy = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                (self, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        handler.run();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> "SignalHandler[SIG" + name + "]";
                });
        Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
        handle.invoke(null, signal, proxy);
    }

    public void handle(String signal) {
        if (!state.beginShutdown()) {
            // A second Ctrl-C means "now": don't make a developer wait out the timeout.
            LogLine.write("WARN", Shutdown.class, "second signal received, exiting immediately", Map.of("signal", signal));
            exit.accept(1);
            return;
        }
        log.atInfo().addKeyValue("signal", signal).addKeyValue("timeoutMs", timeoutMs).log("shutting down");
        // Closing the context also shuts Spring's logging down: every line from here on is
        // written directly, in the same format.

        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeoutMs);
            } catch (InterruptedException e) {
                return;
            }
            LogLine.write("ERROR", Shutdown.class, "shutdown timed out, forcing exit", Map.of("timeoutMs", timeoutMs));
            exit.accept(1);
        }, "shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        try {
            close.run();
        } catch (RuntimeException e) {
            watchdog.interrupt();
            LogLine.write("ERROR", Shutdown.class, "shutdown failed", Map.of("error", String.valueOf(e)));
            exit.accept(1);
            return;
        }
        watchdog.interrupt();
        LogLine.write("INFO", Shutdown.class, "shutdown complete", Map.of());
        exit.accept(0);
    }

    private static void exitProcess(int code) {
        System.out.flush();
        if (code == 0) {
            System.exit(0);
        }
        // A forced exit must not wait for shutdown hooks that may be what is stuck.
        Runtime.getRuntime().halt(code);
    }
}
