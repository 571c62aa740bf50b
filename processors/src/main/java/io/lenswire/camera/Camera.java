package io.lenswire.camera;

import io.lenswire.ingest.StreamUrls;

/**
 * A camera as configured. {@code url} may hold credentials: never log it or return it unmasked.
 *
 * @param origin    where it was defined: the configuration file or the REST API (only those are persisted)
 * @param tlsVerify for rtsps:// addresses: verify the camera's certificate and host name (the default);
 *                  false is an explicit opt-out for a camera with a self-signed certificate
 */
public record Camera(String id, String name, String url, boolean analytics, Origin origin, boolean tlsVerify) {

    public Camera(String id, String name, String url, boolean analytics, Origin origin) {
        this(id, name, url, analytics, origin, true);
    }

    /**
     * What a camera id may be: it becomes part of Camel endpoint URIs, route ids, directory names
     * and URLs, so nothing that any of those would read as syntax ({@code ? & / % :} ...).
     */
    public static final java.util.regex.Pattern ID_PATTERN = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    public static final String ID_RULE = "1-64 characters of letters, digits, '-' or '_', starting with a letter or digit";
    public static final int MAX_NAME_LENGTH = 128;

    public enum Origin { CONFIG, API }

    public String maskedUrl() {
        return StreamUrls.maskCredentials(url);
    }

    @Override
    public String toString() {
        return "Camera[" + id + ", " + maskedUrl() + "]";
    }
}
