package io.lenswire.api;

import java.io.IOException;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Refuses, before Camel's HTTP binding sees them, API requests whose body the binding would try to
 * parse as a form (and fail on with a 500), or that announce a body over the API's limit. The face
 * enrollment uploads are the one exception: multipart/form-data is let through on
 * {@code POST /api/faces} and {@code POST /api/faces/{id}/images}, up to
 * {@code spring.servlet.multipart.max-request-size}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter extends OncePerRequestFilter {

    /** The paths that take multipart uploads (face enrollment). */
    static final Pattern MULTIPART_PATHS = Pattern.compile("/api/faces(/[^/]+/images)?/?");

    private final ObjectMapper json;
    private final long maxMultipartBytes;

    public RequestGuardFilter(ObjectMapper json,
                              @Value("${spring.servlet.multipart.max-request-size:64MB}") DataSize maxMultipart) {
        this.json = json;
        this.maxMultipartBytes = maxMultipart.toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
        if (type.startsWith("multipart/form-data") && "POST".equals(request.getMethod())
                && MULTIPART_PATHS.matcher(request.getRequestURI()).matches()) {
            if (request.getContentLengthLong() > maxMultipartBytes) {
                reject(response, 413, "payload_too_large", "The upload is larger than " + (maxMultipartBytes / (1024 * 1024)) + " MB in total");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
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
