package io.lenswire.playback;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.lenswire.config.LenswireProperties;

/**
 * CORS for what a browser player on another site calls: the HLS files and the token-authenticated
 * session endpoints (start, refresh, delete). Configured by {@code lenswire.playback.cors-allowed-origins};
 * empty (the default) sends no CORS header at all. API-key endpoints never get CORS headers, since
 * an API key does not belong in a browser.
 *
 * <p>A request from an origin not on the list passes through untouched (the browser then refuses to
 * hand the answer to the page); an allowed preflight is answered here with 204, before Camel.
 * Credentials (cookies) are never allowed: tokens travel in headers or the query.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class PlaybackCorsFilter extends OncePerRequestFilter {

    private static final Pattern PATHS = Pattern.compile(
            "/api/stream/hls/.*|/api/stream/playback/[A-Za-z0-9_-]{22}(/start|/refresh)?");
    private static final String ALLOWED_METHODS = "GET, HEAD, POST, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type";
    private static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean anyOrigin;

    public PlaybackCorsFilter(LenswireProperties properties) {
        List<String> configured = properties.getPlayback().getCorsAllowedOrigins();
        this.origins = configured == null ? Set.of() : configured.stream()
                .filter(o -> o != null && !o.isBlank())
                .map(o -> o.strip().replaceAll("/+$", ""))
                .collect(Collectors.toUnmodifiableSet());
        this.anyOrigin = origins.contains("*");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return origins.isEmpty() || !PATHS.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin == null || !(anyOrigin || origins.contains(origin))) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
        response.addHeader("Vary", "Origin");
        boolean preflight = "OPTIONS".equalsIgnoreCase(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
            response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.setHeader("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        response.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Type");
        chain.doFilter(request, response);
    }
}
