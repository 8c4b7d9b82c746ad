package io.cutover.coordinator.adapter.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import io.cutover.coordinator.application.CutoverNotFoundException;
import io.cutover.coordinator.domain.IllegalTransitionException;
import io.cutover.coordinator.domain.InvalidPlanException;

/** Every refusal is JSON with the status, a short error and a message that names what is wrong. */
@RestControllerAdvice
public class ApiErrors {

    @ExceptionHandler(InvalidPlanException.class)
    ResponseEntity<Map<String, Object>> invalidPlan(InvalidPlanException e) {
        return body(HttpStatus.BAD_REQUEST, "invalid plan", String.join("; ", e.problems()), e.problems());
    }

    @ExceptionHandler(CutoverNotFoundException.class)
    ResponseEntity<Map<String, Object>> notFound(CutoverNotFoundException e) {
        return body(HttpStatus.NOT_FOUND, "not found", e.getMessage(), List.of());
    }

    @ExceptionHandler(IllegalTransitionException.class)
    ResponseEntity<Map<String, Object>> conflict(IllegalTransitionException e) {
        return body(HttpStatus.CONFLICT, "not allowed now", e.getMessage(), List.of());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, "unreadable request body", e.getMostSpecificCause().getMessage(),
                List.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported content type",
                "content type " + e.getContentType() + " is not supported; use one of " + e.getSupportedMediaTypes(),
                List.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "method not allowed", e.getMessage(), List.of());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noRoute(NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, "not found", "no such endpoint: /" + e.getResourcePath(), List.of());
    }

    private static ResponseEntity<Map<String, Object>> body(HttpStatus status, String error, String message,
                                                            List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", error);
        body.put("message", message);
        if (!problems.isEmpty()) {
            body.put("problems", problems);
        }
        return ResponseEntity.status(status).body(body);
    }
}
