package io.lenswire.api;

import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which part of the server a request is for, decided on the path the container routes by (decoded,
 * {@code ;params} removed, dot segments and repeated slashes resolved), never on the raw URI alone:
 * {@code /api;x/...}, {@code /%61pi/...} and {@code //api/...} all reach the API's routes, so they
 * are all the API here.
 *
 * <p>Public (no API key) are only the paths listed in {@link #PUBLIC_API}, and only when the raw
 * URI is already in that canonical form: a path that needs decoding or normalizing to look public
 * needs the key, so no spelling of a protected route can pass as a public one.
 */
final class RequestPaths {

    enum Area { API, ACTUATOR, OTHER }

    /**
     * The API paths that need no key: health, the OpenAPI document, HLS (authorized by the
     * session's token) and the session endpoints a viewer calls with its token (PlaybackApi
     * accepts the key or the token there).
     */
    static final Pattern PUBLIC_API = Pattern.compile("/api/stream/health|/api/openapi\\.yaml"
            + "|/api/stream/hls/[^/]+/[^/]+"
            + "|/api/stream/playback/(?!sessions$|create-session$)[^/]+(/start|/refresh)?");
    /** Liveness for load balancers and orchestrators: the status only, never detail. */
    static final String PUBLIC_ACTUATOR = "/actuator/health";
    /** The only paths where {@code ?token=} is a credential. */
    static final Pattern HLS = Pattern.compile("/api/stream/hls/[^/]+/[^/]+");
    /** The paths that take multipart uploads (face enrollment). */
    static final Pattern MULTIPART = Pattern.compile("/api/faces(/[^/]+/images)?/?");

    private RequestPaths() {
    }

    /** The path the container routes by: decoded and normalized by Tomcat. */
    static String routed(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
        String path = servletPath + pathInfo;
        return path.isEmpty() ? "/" : path;
    }

    /**
     * The area of a routed path, by its first segment compared loosely (any case, trailing dots or
     * blanks, path parameters ignored): better to guard a path no route serves than to miss one.
     */
    static Area area(String routedPath) {
        String first = firstSegment(routedPath);
        if (first.equals("api")) {
            return Area.API;
        }
        return first.equals("actuator") ? Area.ACTUATOR : Area.OTHER;
    }

    /** Public only when the raw URI is the canonical path itself and that path is listed. */
    static boolean isPublic(String rawUri, String routedPath, Area area, boolean publicActuator) {
        if (area == Area.OTHER) {
            return true;
        }
        if (!rawUri.equals(routedPath)) {
            return false;
        }
        if (area == Area.ACTUATOR) {
            return publicActuator || routedPath.equals(PUBLIC_ACTUATOR);
        }
        return PUBLIC_API.matcher(routedPath).matches();
    }

    static boolean isHls(String rawUri, String routedPath) {
        return rawUri.equals(routedPath) && HLS.matcher(routedPath).matches();
    }

    private static String firstSegment(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        int end = start;
        while (end < path.length() && path.charAt(end) != '/' && path.charAt(end) != ';') {
            end++;
        }
        String segment = path.substring(start, end).toLowerCase(Locale.ROOT);
        return segment.replaceAll("[.\\s]+$", "");
    }
}
