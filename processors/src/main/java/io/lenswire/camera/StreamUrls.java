package io.lenswire.camera;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Camera address rules: what the API accepts, and how an address is shown without its password. */
public final class StreamUrls {

    public static final int MAX_LENGTH = 2048;
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/@\\s:]*):([^/@\\s]*)@");

    private StreamUrls() {
    }

    /** {@code rtsp://user:secret@host/x} becomes {@code rtsp://user:***@host/x}; anywhere in a text. */
    public static String maskCredentials(String text) {
        if (text == null) {
            return null;
        }
        return USER_INFO.matcher(text).replaceAll("$1$2:***@");
    }

    /** Null when acceptable for a REST-added camera, else the reason. */
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
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "rtsp_url must name a host";
        }
        // java.net.URI takes any digits as a port; FFmpeg would only fail later, camera by camera
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "rtsp_url has a port outside 1-65535";
        }
        return null;
    }
}
