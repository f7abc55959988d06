package com.example.app.probes;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Shared plumbing for the readiness probes: opens one TCP (or TLS) connection, runs a short
 * request/response exchange, and gives up after a deadline that covers connect, TLS handshake
 * and every read. Every failure becomes a {@link ProbeException} whose message starts with
 * {@code host:port:}.
 */
public final class Wire {

    /** Where a probe connects. */
    public record Endpoint(String host, int port, boolean tls) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** One request/response exchange; a protocol-level verdict is an IOException. */
    @FunctionalInterface
    public interface Exchange {
        void talk(Wire wire) throws IOException;
    }

    /** A failed probe; the message names the endpoint and never contains credentials. */
    public static final class ProbeException extends IOException {
        private static final long serialVersionUID = 1L;

        ProbeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // A misbehaving server must not make the probe buffer without bound.
    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long deadline;

    private Wire(Socket socket, long deadline) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.deadline = deadline;
    }

    public static void converse(Endpoint endpoint, Duration timeout, Exchange exchange) throws ProbeException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket socket = new Socket();
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), remainingMillis(deadline));
            Socket connected = endpoint.tls() ? startTls(socket, endpoint, deadline) : socket;
            exchange.talk(new Wire(connected, deadline));
        } catch (SocketTimeoutException e) {
            throw new ProbeException(endpoint + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new ProbeException(endpoint + ": connection refused", e);
        } catch (UnknownHostException e) {
            throw new ProbeException(endpoint + ": unknown host", e);
        } catch (EOFException e) {
            throw new ProbeException(endpoint + ": connection closed by the server", e);
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ProbeException(endpoint + ": " + reason, e);
        }
    }

    private static Socket startTls(Socket plain, Endpoint endpoint, long deadline) throws IOException {
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        // Verify the certificate names the host, as a browser would.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(remainingMillis(deadline));
        tls.startHandshake();
        return tls;
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) throw new SocketTimeoutException("deadline passed");
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    public void write(byte[] data) throws IOException {
        out.write(data);
        out.flush();
    }

    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Exactly {@code length} bytes. */
    public byte[] read(int length) throws IOException {
        byte[] buffer = new byte[length];
        int got = 0;
        while (got < length) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buffer, got, length - got);
            if (n < 0) throw new EOFException();
            got += n;
        }
        return buffer;
    }

    /** The next CRLF-terminated line, without the CRLF. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0) throw new EOFException();
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE_BYTES) throw new IOException("reply line too long");
            line.write(b);
            previous = b;
        }
    }
}
