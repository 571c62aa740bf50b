package io.lenswire.ingest;

import java.util.Optional;

/**
 * Looks up a camera's stream address by camera id, so that the address (which may hold a
 * password) never has to appear in an endpoint URI, a route dump or a log line.
 */
public interface CameraSourceResolver {

    /** The URL libavformat should open, or empty when the camera is unknown. */
    Optional<String> streamUrl(String cameraId);

    /** Whether an rtsps:// camera's certificate is verified (a camera may opt out explicitly). */
    default boolean tlsVerify(String cameraId) {
        return true;
    }
}
