package com.example.app;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * One JSON log line written straight to stdout, in the same ECS shape as Spring's own lines
 * (logging.structured.format.console=ecs). For the moments Spring's logging is not running:
 * before the app starts (a refused configuration) and once its context has closed.
 */
final class LogLine {

    private LogLine() {}

    static void write(String level, Class<?> logger, String message, Map<String, ?> fields) {
        System.out.println(format(level, logger, message, fields));
        System.out.flush();
    }

    static String format(String level, Class<?> logger, String message, Map<String, ?> fields) {
        StringBuilder line = new StringBuilder("{\"@timestamp\":").append(quote(Instant.now().toString()))
                .append(",\"log\":{\"level\":").append(quote(level)).append(",\"logger\":").append(quote(logger.getName())).append('}')
                .append(",\"process\":{\"pid\":").append(ProcessHandle.current().pid())
                .append(",\"thread\":{\"name\":").append(quote(Thread.currentThread().getName())).append("}}")
                .append(",\"service\":{\"name\":").append(quote(Services.NAME)).append('}')
                .append(",\"message\":").append(quote(message));
        fields.forEach((key, value) -> line.append(',').append(quote(key)).append(':').append(value(value)));
        return line.append(",\"ecs\":{\"version\":\"8.11\"}}").toString();
    }

    private static String value(Object value) {
        if (value instanceof Number || value instanceof Boolean) return value.toString();
        if (value instanceof Collection<?> items) {
            StringBuilder array = new StringBuilder("[");
            for (Object item : items) {
                if (array.length() > 1) array.append(',');
                array.append(value(item));
            }
            return array.append(']').toString();
        }
        return quote(String.valueOf(value));
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
