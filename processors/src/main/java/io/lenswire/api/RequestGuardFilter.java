package io.lenswire.api;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses, before Camel's HTTP binding sees them, API requests whose body the binding would try to
 * parse as a form (and fail on with a 500), or that announce a body over the API's limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter extends OncePerRequestFilter {

    private final ObjectMapper json;

    public RequestGuardFilter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
            reject(response, 415, "unsupported_media_type", "Send the body as application/json");
            return;
        }
        if (request.getContentLengthLong() > JsonRequests.MAX_BODY_BYTES) {
            reject(response, 413, "payload_too_large", "The request body is larger than 64 KB");
            return;
        }
        chain.doFilter(request, response);
    }

    private void reject(HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), ApiResponses.errorBody(error, message));
    }
}
