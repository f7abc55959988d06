package com.example.app;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside the controllers (by the servlet container or a filter) are forwarded
 * to /error; this replaces Spring Boot's default error body with the same JSON as
 * {@link ErrorResponses}.
 */
@RestController
public class ErrorEndpoint implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<Map<String, String>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value && value >= 400 ? value : 500;
        return ErrorResponses.body(HttpStatusCode.valueOf(status), HttpHeaders.EMPTY);
    }
}
