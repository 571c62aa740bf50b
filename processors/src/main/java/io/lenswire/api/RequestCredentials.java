package io.lenswire.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where credentials may come from, checked before any body is read. The API key only in one
 * {@code X-API-Key} header; a playback token only as one {@code Authorization} header or, on HLS
 * URLs alone, as {@code ?token=}.
 *
 * <p>Why the query is refused rather than ignored: Camel's HTTP binding copies every query
 * parameter into a message header of the same name (headers are case-insensitive), so
 * {@code ?X-API-Key=...} or {@code ?Authorization=Bearer ...} would read, to a route, exactly like
 * the header. A list ({@code a, b}) or a repeated header is refused because the container, Camel
 * and a proxy in front may each pick a different one of the values.
 */
final class RequestCredentials {

    static final String AUTHORIZATION = "Authorization";
    private static final Set<String> HEADER_NAMES_IN_QUERY = Set.of("x-api-key", "authorization");
    private static final String TOKEN_PARAMETER = "token";

    private final ApiKeys apiKeys;

    RequestCredentials(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    /**
     * Throws a 401 {@link ApiException} for misplaced, repeated or invalid credentials, and for a
     * missing key when {@code keyRequired}. Returns true when a valid API key was presented.
     */
    boolean check(HttpServletRequest request, boolean keyRequired, boolean hlsPath) {
        checkQuery(request.getQueryString(), hlsPath);
        String key = single(request, ApiKeys.HEADER);
        single(request, AUTHORIZATION);
        if (key == null || key.isEmpty()) {
            if (keyRequired) {
                apiKeys.checkKey(null); // the one "missing key" refusal, as the routes gave it
            }
            return false;
        }
        apiKeys.checkKey(key); // a key that is sent must be right, also where none is needed
        return true;
    }

    private static void checkQuery(String query, boolean hlsPath) {
        if (query == null || query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (HEADER_NAMES_IN_QUERY.contains(name)) {
                throw unauthorized("Credentials are not accepted in the query string: send the API key in the X-API-Key header");
            }
            if (name.equals(TOKEN_PARAMETER) && !hlsPath) {
                throw unauthorized("The token query parameter is accepted on HLS playlist and segment URLs only;"
                        + " send 'Authorization: Bearer <token>' here");
            }
        }
    }

    /** The header's one value, or null; 401 when it is repeated or a list. */
    private static String single(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        List<String> all = values == null ? List.of() : Collections.list(values);
        if (all.isEmpty()) {
            return null;
        }
        if (all.size() > 1 || all.get(0).indexOf(',') >= 0) {
            throw unauthorized("Send exactly one " + name + " header with one value");
        }
        return all.get(0).strip();
    }

    /** A name as the binding would decode it; an invalid escape is kept raw (it is then no credential name). */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }
}
