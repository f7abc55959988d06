package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP contract, against the real server on a random port with fake dependencies. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.level.com.example.app=debug")
@ExtendWith(OutputCaptureExtension.class)
class HttpContractTest {

    private static volatile boolean databaseUp = true;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestConfiguration
    static class FakeDependencies {
        @Bean
        Config config() {
            return new Config("127.0.0.1", 0, "debug", 10_000, List.of(
                    new Config.Configured("postgres", "postgres://db/app", (url, timeout) -> {
                        if (!databaseUp) throw new IOException("10.0.0.7:5432: connection refused");
                    }),
                    new Config.Configured("redis", "redis://cache", (url, timeout) -> {})));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    AppState state;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void reset() {
        databaseUp = true;
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest.BodyPublisher body = method.equals("POST") ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"), response.headers().toString());
        return JSON.readTree(response.body());
    }

    /** The JSON log lines written so far, each parsed. */
    private static List<JsonNode> logLines(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.startsWith("{")).map(JSON::readTree).collect(Collectors.toList());
    }

    @Test
    void healthzIsOk(CapturedOutput output) throws Exception {
        HttpResponse<String> response = send("GET", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals(JSON.readTree("{\"status\":\"ok\"}"), json(response));
        assertEquals("no-store", response.headers().firstValue("cache-control").orElse(""));
    }

    @Test
    void healthzIgnoresTheQueryStringAndAnswersHeadWithoutABody() throws Exception {
        assertEquals(200, send("GET", "/healthz?verbose=1").statusCode());
        HttpResponse<String> head = send("HEAD", "/healthz");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void readyzIsOkWhenEveryCheckPasses() throws Exception {
        HttpResponse<String> response = send("GET", "/readyz");
        assertEquals(200, response.statusCode());
        assertEquals(JSON.readTree("{\"status\":\"ready\",\"checks\":{\"postgres\":\"ok\",\"redis\":\"ok\"}}"), json(response));
    }

    @Test
    void readyzIs503NamingTheFailingCheckWithDetailsOnlyInTheLog(CapturedOutput output) throws Exception {
        databaseUp = false;
        HttpResponse<String> response = send("GET", "/readyz");
        assertEquals(503, response.statusCode());
        assertEquals(JSON.readTree("{\"status\":\"not ready\",\"checks\":{\"postgres\":\"fail\",\"redis\":\"ok\"}}"), json(response));
        assertFalse(response.body().contains("10.0.0.7"));
        JsonNode warning = logLines(output).stream()
                .filter(line -> line.path("message").asString("").equals("readiness check failed"))
                .findFirst().orElseThrow();
        assertEquals("WARN", warning.get("log").get("level").asString());
        assertEquals("postgres", warning.get("check").asString());
        assertTrue(warning.get("error").asString().contains("connection refused"));
    }

    @Test
    void readyzIs503WhileShuttingDownAndClosesTheConnection() throws Exception {
        state.beginShutdown();
        try {
            HttpResponse<String> response = send("GET", "/readyz");
            assertEquals(503, response.statusCode());
            assertEquals("shutting down", json(response).get("status").asString());
            assertEquals("close", response.headers().firstValue("connection").orElse(""));
        } finally {
            // The context is shared with the other tests of this class.
            java.lang.reflect.Field flag = AppState.class.getDeclaredField("shuttingDown");
            flag.setAccessible(true);
            ((java.util.concurrent.atomic.AtomicBoolean) flag.get(state)).set(false);
        }
    }

    @Test
    void unknownPathsAre404Json() throws Exception {
        HttpResponse<String> response = send("GET", "/nope");
        assertEquals(404, response.statusCode());
        assertEquals(JSON.readTree("{\"error\":\"not found\"}"), json(response));
    }

    @Test
    void aWrongMethodIs405WithAnAllowHeader() throws Exception {
        HttpResponse<String> response = send("POST", "/healthz");
        assertEquals(405, response.statusCode());
        assertTrue(response.headers().firstValue("allow").orElse("").contains("GET"), response.headers().toString());
        assertEquals(JSON.readTree("{\"error\":\"method not allowed\"}"), json(response));
    }

    @Test
    void accessLogPutsProbesAtDebugAndOtherRequestsAtInfoWithoutTheQueryString(CapturedOutput output) throws Exception {
        send("GET", "/healthz");
        send("GET", "/missing?token=secret");
        List<JsonNode> access = logLines(output).stream()
                .filter(line -> line.path("message").asString("").equals("request"))
                .collect(Collectors.toList());
        Map<String, String> levels = access.stream().collect(Collectors.toMap(
                line -> line.get("path").asString() + " " + line.get("status").asInt(),
                line -> line.get("log").get("level").asString(), (a, b) -> a));
        assertEquals("DEBUG", levels.get("/healthz 200"));
        assertEquals("INFO", levels.get("/missing 404"));
        assertTrue(access.get(0).get("durationMs").isNumber());
        assertFalse(output.getOut().contains("secret"));
    }
}
