package io.lenswire.events;

import java.time.Instant;
import java.util.Map;

/**
 * An event about to be stored.
 *
 * @param data        the type's fields (snake_case), without {@code event_id} and {@code snapshot_url},
 *                    which the store adds
 * @param faceJpeg    the face snapshot, or null
 * @param frameJpeg   the frame snapshot, or null
 * @param onlyEndpoint deliver to this webhook endpoint only (a test event), or null for every
 *                    endpoint subscribed to the type
 */
public record NewEvent(EventType type, String cameraId, Long personId, Instant occurredAt, Map<String, Object> data,
                       byte[] faceJpeg, byte[] frameJpeg, String onlyEndpoint) {

    public static NewEvent of(EventType type, String cameraId, Long personId, Instant occurredAt, Map<String, Object> data) {
        return new NewEvent(type, cameraId, personId, occurredAt, data, null, null, null);
    }

    public boolean hasSnapshot() {
        return faceJpeg != null || frameJpeg != null;
    }
}
