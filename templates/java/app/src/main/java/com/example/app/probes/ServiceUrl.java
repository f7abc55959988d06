package com.example.app.probes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a connection URL the probes need. Parsed by hand rather than with
 * {@link java.net.URI}, which refuses the unencoded characters that real passwords contain,
 * and MongoDB seed lists ({@code mongodb://a:27017,b:27017/}), which have several hosts.
 * User, password, path and query values are percent-decoded; {@code +} stays a plus sign.
 */
public record ServiceUrl(
        String scheme, String user, String password, String host, int port, String path, Map<String, String> query) {

    /** Port when the URL names none. */
    public static final int NO_PORT = -1;

    public static ServiceUrl parse(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) throw new IllegalArgumentException("not a URL: no scheme://");
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = url.substring(schemeEnd + 3);

        int authorityEnd = indexOfAny(rest, "/?#");
        String authority = rest.substring(0, authorityEnd);
        String tail = rest.substring(authorityEnd);

        String user = "";
        String password = "";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : "";
            authority = authority.substring(at + 1);
        }
        // A seed list names several hosts: the probes check the first.
        int comma = authority.indexOf(',');
        if (comma >= 0) authority = authority.substring(0, comma);

        String host;
        String portText = "";
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("unterminated [IPv6] host in " + scheme + ":// URL");
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) portText = after.substring(1);
            else if (!after.isEmpty()) throw new IllegalArgumentException("malformed host in " + scheme + ":// URL");
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon >= 0 ? authority.substring(0, colon) : authority;
            portText = colon >= 0 ? authority.substring(colon + 1) : "";
        }
        if (host.isEmpty()) throw new IllegalArgumentException("no host in " + scheme + ":// URL");
        int port = NO_PORT;
        if (!portText.isEmpty()) {
            if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) > 65_535) {
                throw new IllegalArgumentException("invalid port in " + scheme + ":// URL");
            }
            port = Integer.parseInt(portText);
        }

        int fragment = tail.indexOf('#');
        if (fragment >= 0) tail = tail.substring(0, fragment);
        int question = tail.indexOf('?');
        String rawPath = question >= 0 ? tail.substring(0, question) : tail;
        String path = decode(rawPath.startsWith("/") ? rawPath.substring(1) : rawPath);
        Map<String, String> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : tail.substring(question + 1).split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                query.putIfAbsent(decode(eq >= 0 ? pair.substring(0, eq) : pair), eq >= 0 ? decode(pair.substring(eq + 1)) : "");
            }
        }
        return new ServiceUrl(scheme, user, password, host, port, path, Map.copyOf(query));
    }

    /** Where to connect: the URL's host and port, or {@code defaultPort}. */
    public Wire.Endpoint endpoint(int defaultPort, boolean tls) {
        return new Wire.Endpoint(host, port == NO_PORT ? defaultPort : port, tls);
    }

    /** A query parameter compared case-insensitively with {@code true}. */
    public boolean flag(String name) {
        return "true".equalsIgnoreCase(query.get(name));
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) return i;
        }
        return text.length();
    }

    /** Percent-decoding as in decodeURIComponent: UTF-8, and {@code +} is not a space. */
    static String decode(String text) {
        if (text.indexOf('%') < 0) return text;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) throw new IllegalArgumentException("malformed percent-encoding in URL");
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) throw new IllegalArgumentException("malformed percent-encoding in URL");
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
