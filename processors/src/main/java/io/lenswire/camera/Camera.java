package io.lenswire.camera;

/**
 * A camera as configured. {@code url} may hold credentials: never log it or return it unmasked.
 *
 * @param origin where it was defined: the configuration file or the REST API (only those are persisted)
 */
public record Camera(String id, String name, String url, boolean analytics, Origin origin) {

    public enum Origin { CONFIG, API }

    public String maskedUrl() {
        return StreamUrls.maskCredentials(url);
    }

    @Override
    public String toString() {
        return "Camera[" + id + ", " + maskedUrl() + "]";
    }
}
