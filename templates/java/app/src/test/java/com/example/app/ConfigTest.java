package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final List<Dependency> NONE = List.of();
    private static final List<Dependency> DATABASE =
            List.of(new Dependency("postgres", "DATABASE_URL", List.of("postgres", "postgresql"), (url, timeout) -> {}));

    @Test
    void defaults() throws Exception {
        Config config = Config.load(Map.of(), 8080, NONE);
        assertEquals("0.0.0.0", config.host());
        assertEquals(8080, config.port());
        assertEquals("info", config.logLevel());
        assertEquals(10_000, config.shutdownTimeoutMs());
        assertEquals(List.of(), config.dependencies());
    }

    @Test
    void readsEverySettingFromTheEnvironment() throws Exception {
        Config config = Config.load(Map.of(
                "HOST", "127.0.0.1",
                "PORT", "9090",
                "LOG_LEVEL", "WARN",
                "SHUTDOWN_TIMEOUT_MS", "2500",
                "DATABASE_URL", "postgresql://app:secret@db:5432/app"), 8080, DATABASE);
        assertEquals("127.0.0.1", config.host());
        assertEquals(9090, config.port());
        assertEquals("warn", config.logLevel());
        assertEquals(2500, config.shutdownTimeoutMs());
        assertEquals("postgres", config.dependencies().get(0).name());
        assertEquals("postgresql://app:secret@db:5432/app", config.dependencies().get(0).url());
        assertEquals("2500ms", config.springProperties("svc").get("spring.lifecycle.timeout-per-shutdown-phase"));
        assertEquals(9090, config.springProperties("svc").get("server.port"));
        assertEquals("svc", config.springProperties("svc").get("spring.application.name"));
    }

    @Test
    void emptyValuesCountAsUnset() throws Exception {
        Config config = Config.load(Map.of("PORT", "", "LOG_LEVEL", "  ", "HOST", ""), 8080, NONE);
        assertEquals(8080, config.port());
        assertEquals("info", config.logLevel());
        assertEquals("0.0.0.0", config.host());
    }

    @Test
    void rejectsMalformedNumbersAndLevelsListingEveryProblem() {
        Config.ConfigException e = assertThrows(Config.ConfigException.class,
                () -> Config.load(Map.of("PORT", "1e3", "SHUTDOWN_TIMEOUT_MS", "-1", "LOG_LEVEL", "verbose"), 8080, NONE));
        assertEquals(List.of(
                "PORT must be an integer between 0 and 65535, got \"1e3\"",
                "SHUTDOWN_TIMEOUT_MS must be an integer between 0 and 2147483647, got \"-1\"",
                "LOG_LEVEL must be one of debug, info, warn, error, got \"verbose\""), e.problems());
    }

    @Test
    void rejectsOutOfRangePorts() {
        assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("PORT", "65536"), 8080, NONE));
        assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("PORT", "99999999999999999999"), 8080, NONE));
    }

    @Test
    void requiresTheUrlOfEachDependency() {
        Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of(), 8080, DATABASE));
        assertEquals(List.of("DATABASE_URL is required (postgres connection URL)"), e.problems());
    }

    @Test
    void rejectsADependencyUrlWithTheWrongSchemeWithoutEchoingIt() {
        Config.ConfigException e = assertThrows(Config.ConfigException.class,
                () -> Config.load(Map.of("DATABASE_URL", "mysql://app:hunter2@db/app"), 8080, DATABASE));
        assertEquals(List.of("DATABASE_URL must be a URL starting with postgres:// or postgresql://"), e.problems());
        assertFalse(e.getMessage().contains("hunter2"));
    }
}
