package io.lenswire.events;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of event, by their wire names (webhook {@code type}, API filters, SSE {@code event:}). */
public enum EventType {
    FACE_RECOGNIZED("face.recognized"),
    FACE_UNKNOWN("face.unknown"),
    CAMERA_OFFLINE("camera.offline"),
    CAMERA_ONLINE("camera.online"),
    WEBHOOK_TEST("webhook.test");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(EventType::wireName).toList();
    }
}
