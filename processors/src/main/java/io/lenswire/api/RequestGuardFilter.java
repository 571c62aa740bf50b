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
 * Refuses, before Camel's HTTP binding sees them, API requests it would mishandle: bodies it would
 * parse as a form (and fail on with a 500), compressed bodies (it would inflate them unbounded) and
 * bodies over the API's limit. The binding reads the whole body into memory before the first route
 * step, so the limit is enforced here by reading at most one byte past it, also for chunked bodies
 * that announce no length; the route then gets the body from memory. The face enrollment uploads
 * are the one exception: multipart/form-data is let through on {@code POST /api/faces} and
 * {@code POST /api/faces/{id}/images}, up to {@code spring.servlet.multipart.max-request-size}.
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
            if (!type.contains("boundary=")) {
                reject(response, 400, "bad_request", "multipart/form-data needs a boundary parameter");
                return;
            }
            if (request.getContentLengthLong() > maxMultipartBytes) {
                reject(response, 413, "payload_too_large", "The upload is larger than " + (maxMultipartBytes / (1024 * 1024)) + " MB in total");
                return;
            }
            chain.doFilter(request, response); // Tomcat's multipart parser enforces the size limits
            return;
        }
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
