package com.example.app;

import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every error is JSON: {@code {"error": "not found"}}, {@code {"error": "method not allowed"}}
 * (with an Allow header), {@code {"error": "internal error"}}. Details stay in the log.
 */
@RestControllerAdvice
public class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, String>> handle(Exception exception) {
        if (exception instanceof ErrorResponse known) {
            // Spring's own errors (404, 405, 400...) carry their status and headers.
            return body(known.getStatusCode(), known.getHeaders());
        }
        log.atError().setCause(exception).log("request failed");
        return body(HttpStatus.INTERNAL_SERVER_ERROR, HttpHeaders.EMPTY);
    }

    static ResponseEntity<Map<String, String>> body(HttpStatusCode status, HttpHeaders headers) {
        HttpStatus known = HttpStatus.resolve(status.value());
        String error = status.value() == 500 ? "internal error"
                : known == null ? "error" : known.getReasonPhrase().toLowerCase(Locale.ROOT);
        return ResponseEntity.status(status).headers(headers).body(Map.of("error", error));
    }
}
