package io.lenswire.webhooks;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.lenswire.api.ApiException;
import io.lenswire.events.EventType;

/** The event types an endpoint subscribes to: at least one, each known, no repeats kept. */
final class WebhookEventTypes {

    private WebhookEventTypes() {
    }

    static List<String> check(List<String> types, String field) {
        if (types == null || types.isEmpty()) {
            throw ApiException.badField(field, "'" + field + "' must list at least one event type: " + String.join(", ", EventType.wireNames()));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : types) {
            if (t == null || EventType.fromWireName(t).isEmpty()) {
                throw ApiException.badField(field, "'" + field + "': unknown event type '" + t + "'; known: "
                        + String.join(", ", EventType.wireNames()));
            }
            out.add(t);
        }
        return List.copyOf(out);
    }
}
