package io.lenswire.ingest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Camera address rules: what the API accepts, and how an address is shown without its password. */
public final class StreamUrls {

    public static final int MAX_LENGTH = 2048;
    private static final Pattern SCHEME = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://");
    /** Where a URL in a text ends. */
    private static final Pattern URL_END = Pattern.compile("[\\s\"'<>]");
    /**
     * Query words older libavformat RTSP demuxers took as options (lower transport, HTTP tunnel,
     * listen mode) instead of sending them to the camera.
     */
    private static final Set<String> LEGACY_RTSP_OPTIONS = Set.of("udp", "multicast", "tcp", "http", "https", "filter_src", "listen");

    private StreamUrls() {
    }

    /**
     * Hides the user info of every URL in a text: {@code rtsp://user:secret@host/x} becomes
     * {@code rtsp://user:***@host/x}, {@code rtsp://token@host/x} becomes {@code rtsp://***@host/x}.
     * The user info ends at the last {@code @} of the URL (as libavformat reads it), so a password
     * holding {@code @} or {@code /} is hidden whole; an {@code @} in a path hides a little too much,
     * never too little.
     */
    public static String maskCredentials(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        Matcher scheme = SCHEME.matcher(text);
        int copied = 0;
        while (scheme.find(copied)) {
            int start = scheme.end();
            Matcher end = URL_END.matcher(text);
            int stop = end.find(start) ? end.start() : text.length();
            int at = text.lastIndexOf('@', stop - 1);
            out.append(text, copied, start);
            if (at >= start) {
                String userInfo = text.substring(start, at);
                int colon = userInfo.indexOf(':');
                out.append(colon >= 0 ? userInfo.substring(0, colon) + ":***" : "***");
                copied = at;
            } else {
                copied = start;
            }
        }
        out.append(text, copied, text.length());
        return out.toString();
    }

    /** Null when acceptable for a camera (from the API or the configuration), else the reason. */
    public static String problemWith(String url) {
        if (url == null || url.isBlank()) {
            return "rtsp_url is required";
        }
        if (url.length() > MAX_LENGTH) {
            return "rtsp_url is longer than " + MAX_LENGTH + " characters";
        }
        if (url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return "rtsp_url must not contain spaces or control characters";
        }
        if (url.chars().anyMatch(c -> c > 0x7e)) {
            return "rtsp_url must be ASCII: write an international host name in its xn-- form and percent-encode the rest";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "rtsp_url is not a valid URL";
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("rtsp") || scheme.equalsIgnoreCase("rtsps"))) {
            return "rtsp_url must start with rtsp:// or rtsps://";
        }
        String authority = uri.getRawAuthority();
        if (authority != null && authority.indexOf('@') != authority.lastIndexOf('@')) {
            return "rtsp_url has more than one '@' before the host: percent-encode '@' in a user name or password as %40";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "rtsp_url must name a host";
        }
        // java.net.URI takes any digits as a port; FFmpeg would only fail later, camera by camera
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "rtsp_url has a port outside 1-65535";
        }
        String refusal = CameraHosts.refusal(uri.getHost());
        if (refusal != null) {
            return "rtsp_url names " + refusal + ", which is never a camera";
        }
        if (uri.getRawFragment() != null) {
            return "rtsp_url must not have a fragment (#...)";
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String word : query.split("&")) {
                if (LEGACY_RTSP_OPTIONS.contains(word.toLowerCase(Locale.ROOT))) {
                    return "rtsp_url must not carry the libavformat option '?" + word + "'; the transport is set by lenswire.ingest";
                }
            }
        }
        return null;
    }

    /** The host of an accepted URL as written (IPv6 in brackets); null when there is none. */
    public static String host(String url) {
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
