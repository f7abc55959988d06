package com.example.app.probes;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A server on 127.0.0.1 that plays one scripted connection for a probe test. The script's own
 * assertions fail the test through {@link #await()}, which the test calls after the probe.
 * The connection stays open until the probe hangs up or the server is closed.
 */
final class FakeServer implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        void serve(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Socket> sockets = new ArrayList<>();

    private FakeServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try {
                Socket socket = server.accept();
                synchronized (sockets) {
                    sockets.add(socket);
                }
                script.serve(socket);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "fake-server");
        thread.setDaemon(true);
        thread.start();
    }

    static FakeServer start(Script script) throws IOException {
        return new FakeServer(script);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits for the script to finish and rethrows what it threw (failed assertions included). */
    void await() throws Exception {
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            if (e.getCause() instanceof Error error) throw error;
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket socket : sockets) socket.close();
        }
    }

    /** A port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] buffer = new byte[length];
        new DataInputStream(in).readFully(buffer);
        return buffer;
    }

    /** Reads up to and including CRLF; returns the line without it. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("the probe hung up");
            if (previous == '\r' && b == '\n') return line.substring(0, line.length() - 1);
            line.append((char) b);
            previous = b;
        }
    }

    /** Blocks until the probe closes the connection. */
    static void awaitHangup(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
            // drain
        }
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }
}
