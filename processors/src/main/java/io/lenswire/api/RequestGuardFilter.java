package io.lenswire.api;

import java.io.IOException;
import java.util.Collection;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The gate of every request, before Spring MVC and Camel's HTTP binding see it. For the API and the
 * actuator, decided on the path the container routes by ({@link RequestPaths}), in this order:
 * <ol>
 * <li>paths the routes could read differently from us: {@code ;} path parameters and encoded
 *     slashes or backslashes are refused (400);</li>
 * <li>credentials ({@link RequestCredentials}): none in the query, no repeated or list-valued auth
 *     header, and the API key on every path that is not explicitly public (401) — so no route has
 *     to remember a key step, and no body is read for a caller without the key;</li>
 * <li>bodies: form and compressed bodies are refused (415; Camel would parse or inflate them
 *     unbounded), and bodies over the API's 64 KB limit (413), read at most one byte past it, also
 *     when chunked; the route then gets the body from memory. The face enrollment uploads are the
 *     one exception: multipart/form-data on {@code POST /api/faces} and
 *     {@code POST /api/faces/{id}/images}, parsed here within the container's limits and deleted
 *     from disk when the request ends ({@link UploadParts}).</li>
 * </ol>
 * Every answer gets {@code Referrer-Policy: no-referrer}: HLS and player URLs carry tokens.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter extends OncePerRequestFilter {

    private final ObjectMapper json;
    private final RequestCredentials credentials;
    private final boolean publicActuator;
    private final long maxMultipartBytes;

    public RequestGuardFilter(ObjectMapper json, ApiKeys apiKeys, HttpGuardProperties properties,
                              @Value("${spring.servlet.multipart.max-request-size:64MB}") DataSize maxMultipart) {
        this.json = json;
        this.credentials = new RequestCredentials(apiKeys);
        this.publicActuator = properties.isPublicActuator();
        this.maxMultipartBytes = maxMultipart.toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Referrer-Policy", "no-referrer");
        String routed = RequestPaths.routed(request);
        RequestPaths.Area area = RequestPaths.area(routed);
        if (area == RequestPaths.Area.OTHER) {
            chain.doFilter(request, response);
            return;
        }
        String raw = request.getRequestURI() == null ? "" : request.getRequestURI();
        HttpServletRequest admitted;
        try {
            checkPathShape(raw, routed);
            boolean keyRequired = !RequestPaths.isPublic(raw, routed, area, publicActuator);
            boolean keyHolder = credentials.check(request, keyRequired, RequestPaths.isHls(raw, routed));
            admitted = keyHolder || (area == RequestPaths.Area.ACTUATOR && publicActuator) ? new KeyHolderRequest(request) : request;
        } catch (ApiException e) {
            reject(response, e);
            return;
        }
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            reject(response, new ApiException(415, "unsupported_media_type", "Send the body uncompressed: Content-Encoding is not supported"));
            return;
        }
        if (type.startsWith("multipart/form-data") && "POST".equals(request.getMethod())
                && RequestPaths.MULTIPART.matcher(routed).matches()) {
            upload(admitted, response, chain, type);
            return;
        }
        HttpServletRequest buffered;
        try {
            buffered = bufferedBody(admitted, type);
        } catch (ApiException e) {
            reject(response, e);
            return;
        }
        chain.doFilter(buffered, response);
    }

    private static void checkPathShape(String raw, String routed) {
        if (raw.indexOf(';') >= 0 || routed.indexOf(';') >= 0) {
            throw ApiException.badRequest("Path parameters (';') are not accepted on the API");
        }
        String lower = raw.toLowerCase();
        if (lower.contains("%2f") || lower.contains("%5c") || raw.indexOf('\\') >= 0 || routed.indexOf('\\') >= 0) {
            throw ApiException.badRequest("Encoded slashes and backslashes are not accepted in API paths");
        }
    }

    private void upload(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String type)
            throws ServletException, IOException {
        Collection<Part> parts = null;
        boolean handedOver = false;
        try {
            if (!type.contains("boundary=")) {
                throw ApiException.badRequest("multipart/form-data needs a boundary parameter");
            }
            if (request.getContentLengthLong() > maxMultipartBytes) {
                throw new ApiException(413, "payload_too_large", "The upload is larger than " + (maxMultipartBytes / (1024 * 1024)) + " MB in total");
            }
            parts = UploadParts.parse(request, maxMultipartBytes);
            // the body is in the parts now; Camel's binding, which reads a body of its own, gets none
            chain.doFilter(new BufferedBodyRequest(request, new byte[0]), response);
            if (request.isAsyncStarted()) {
                // platform-http answers asynchronously: the route reads the parts after this returns
                request.getAsyncContext().addListener(UploadParts.deleteWhenDone(parts));
                handedOver = true;
            }
        } catch (ApiException e) {
            reject(response, e);
        } finally {
            // the container deletes them too when it recycles the request; this does not depend on it
            if (!handedOver) {
                UploadParts.deleteAll(parts);
            }
        }
    }

    /** The request with its body read into memory, within the API's limit; a 4xx {@link ApiException} otherwise. */
    private HttpServletRequest bufferedBody(HttpServletRequest request, String type) throws IOException {
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
        if (request.getContentLengthLong() > JsonRequests.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(JsonRequests.MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            // the client went away, stalled past the timeout or sent broken chunks: its fault, not ours
            throw ApiException.badRequest("The request body could not be read");
        }
        if (body.length > JsonRequests.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return new BufferedBodyRequest(request, body);
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "The request body is larger than 64 KB");
    }

    private void reject(HttpServletResponse response, ApiException e) throws IOException {
        if (response.isCommitted()) {
            return; // the route already answered; nothing more can be said
        }
        try {
            response.resetBuffer();
            response.setStatus(e.status());
            response.setContentType("application/json");
            response.setHeader("Cache-Control", "no-store");
            json.writeValue(response.getOutputStream(), ApiResponses.errorBody(e.error(), e.getMessage()));
        } catch (IOException | IllegalStateException gone) {
            // nobody is listening any more
        }
    }
}
