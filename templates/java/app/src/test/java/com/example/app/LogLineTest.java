package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LogLineTest {

    @Test
    void writesOneEcsJsonLineWithItsFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("problems", List.of("PORT must be \"x\"\n", "tab\there"));
        fields.put("timeoutMs", 10_000L);
        String line = LogLine.format("ERROR", Application.class, "invalid configuration", fields);
        assertEquals(-1, line.indexOf('\n'));
        JsonNode json = JsonMapper.builder().build().readTree(line);
        assertEquals("ERROR", json.get("log").get("level").asString());
        assertEquals(Application.class.getName(), json.get("log").get("logger").asString());
        assertEquals("invalid configuration", json.get("message").asString());
        assertEquals("PORT must be \"x\"\n", json.get("problems").get(0).asString());
        assertEquals("tab\there", json.get("problems").get(1).asString());
        assertEquals(10_000L, json.get("timeoutMs").asLong());
        assertEquals(Services.NAME, json.get("service").get("name").asString());
        assertTrue(json.get("@timestamp").asString().endsWith("Z"));
    }
}
