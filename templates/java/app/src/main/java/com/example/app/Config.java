package com.example.app;

import com.example.app.probes.Probe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every setting, read from the environment (12-factor); nothing is read from files. Spring
 * Boot receives the result as default properties, so one validated source decides the port,
 * address, log level and shutdown timeout.
 *
 * @param dependencies each configured dependency with its URL, in declaration order
 */
public record Config(String host, int port, String logLevel, long shutdownTimeoutMs, List<Configured> dependencies) {

    public static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");

    /** A dependency with the URL the environment gave for it. */
    public record Configured(String name, String url, Probe probe) {}

    /** Lists every problem at once, so a bad deploy is fixed in one round trip. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String[] problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration: " + String.join("; ", problems));
            this.problems = problems.toArray(String[]::new);
        }

        public List<String> problems() {
            return List.of(problems);
        }
    }

    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    public Config {
        dependencies = List.copyOf(dependencies);
    }

    public static Config load(Map<String, String> env, int defaultPort, List<Dependency> spec) throws ConfigException {
        List<String> problems = new ArrayList<>();
        int port = (int) parseInteger(read(env, "PORT"), defaultPort, 0, 65_535, "PORT", problems);
        long shutdownTimeoutMs = parseInteger(read(env, "SHUTDOWN_TIMEOUT_MS"), 10_000, 0, Integer.MAX_VALUE, "SHUTDOWN_TIMEOUT_MS", problems);

        String logLevel = orDefault(read(env, "LOG_LEVEL"), "info").toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            problems.add("LOG_LEVEL must be one of " + String.join(", ", LOG_LEVELS) + ", got \"" + logLevel + "\"");
        }

        List<Configured> dependencies = new ArrayList<>();
        for (Dependency dependency : spec) {
            String url = read(env, dependency.env());
            if (url == null) {
                problems.add(dependency.env() + " is required (" + dependency.name() + " connection URL)");
                continue;
            }
            // Only the scheme is checked here: the URL may carry credentials, so it is never
            // echoed back into logs.
            Matcher scheme = SCHEME.matcher(url);
            if (!scheme.find() || !dependency.schemes().contains(scheme.group(1).toLowerCase(Locale.ROOT))) {
                String allowed = dependency.schemes().stream().map(s -> s + "://").collect(Collectors.joining(" or "));
                problems.add(dependency.env() + " must be a URL starting with " + allowed);
                continue;
            }
            dependencies.add(new Configured(dependency.name(), url, dependency.probe()));
        }

        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new Config(orDefault(read(env, "HOST"), "0.0.0.0"), port, logLevel, shutdownTimeoutMs, dependencies);
    }

    /** What Spring Boot gets from this configuration. */
    public Map<String, Object> springProperties(String serviceName) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.application.name", serviceName);
        properties.put("server.address", host);
        properties.put("server.port", port);
        // LOG_LEVEL=debug is for this app's own lines: the framework stays at info.
        properties.put("logging.level.root", logLevel.equals("debug") ? "info" : logLevel);
        properties.put("logging.level." + Config.class.getPackageName(), logLevel);
        properties.put("spring.lifecycle.timeout-per-shutdown-phase", shutdownTimeoutMs + "ms");
        return properties;
    }

    // Compose and Helm often render unset values as empty strings: treat them as unset.
    private static String read(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null) return null;
        value = value.strip();
        return value.isEmpty() ? null : value;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static long parseInteger(String raw, long fallback, long min, long max, String key, List<String> problems) {
        if (raw == null) return fallback;
        // Long.parseLong would accept "+12" and "-0": a typo should fail loudly instead.
        if (DIGITS.matcher(raw).matches() && raw.length() <= 18) {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) return value;
        }
        problems.add(key + " must be an integer between " + min + " and " + max + ", got \"" + raw + "\"");
        return fallback;
    }
}
