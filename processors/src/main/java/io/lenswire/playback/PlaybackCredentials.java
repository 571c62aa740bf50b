package io.lenswire.playback;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;

/**
 * Where a playback token comes from: {@code Authorization: Bearer} or the {@code token} query
 * parameter. The query is read from the raw query string ({@link Exchange#HTTP_QUERY}) rather than
 * from message headers, where an HTTP header of the same name would be indistinguishable from it.
 */
final class PlaybackCredentials {

    static final String QUERY_PARAMETER = "token";
    private static final String BEARER = "bearer ";

    private PlaybackCredentials() {
    }

    /** The Bearer token, "" for {@code Bearer} with nothing after it, null without the header; 401 for other schemes. */
    static String bearer(Exchange exchange) {
        return bearer(exchange.getIn().getHeader("Authorization", String.class));
    }

    /** {@link #bearer(Exchange)} of an {@code Authorization} header's value (null when absent). */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        if (header.length() < BEARER.length() || !header.substring(0, BEARER.length()).equalsIgnoreCase(BEARER)) {
            if (header.strip().equalsIgnoreCase(BEARER.strip())) {
                return "";
            }
            throw PlaybackErrors.unauthorized("Send the playback token as 'Authorization: Bearer <token>'");
        }
        return header.substring(BEARER.length()).strip();
    }

    /** The {@code token} query parameter, "" when present but empty, null when absent; 401 when given twice differently. */
    static String query(Exchange exchange) {
        return query(exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class));
    }

    /** {@link #query(Exchange)} of a raw (still URL-encoded) query string, null when absent. */
    static String query(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        String found = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!QUERY_PARAMETER.equals(name)) {
                continue;
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (found != null && !found.equals(value)) {
                throw PlaybackErrors.unauthorized("The request carries more than one different token");
            }
            found = value;
        }
        return found;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw PlaybackErrors.unauthorized("The query string is not valid URL encoding");
        }
    }
}
