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
 * Refuses, before Camel's HTTP binding sees them, API requests it would mishandle: bodies it would
 * parse as a form (and fail on with a 500), compressed bodies (it would inflate them unbounded) and
 * bodies over the API's limit. The binding reads the whole body into memory before the first route
 * step, so the limit is enforced here by reading at most one byte past it, also for chunked bodies
 * that announce no length; the route then gets the body from memory.
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
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            reject(response, 415, "unsupported_media_type", "Send the body uncompressed: Content-Encoding is not supported");
            return;
        }
        if (request.getContentLengthLong() > JsonRequests.MAX_BODY_BYTES) {
            reject(response, 413, "payload_too_large", "The request body is larger than 64 KB");
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(JsonRequests.MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            // the client went away, stalled past the timeout or sent broken chunks: its fault, not ours
            try {
                reject(response, 400, "bad_request", "The request body could not be read");
            } catch (IOException gone) {
                // nobody is listening any more
            }
            return;
        }
        if (body.length > JsonRequests.MAX_BODY_BYTES) {
            reject(response, 413, "payload_too_large", "The request body is larger than 64 KB");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private void reject(HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), ApiResponses.errorBody(error, message));
    }
}
