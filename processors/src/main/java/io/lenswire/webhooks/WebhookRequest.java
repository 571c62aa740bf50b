package io.lenswire.webhooks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.api.ApiException;

/**
 * The body of {@code POST /api/webhooks} and {@code PATCH /api/webhooks/{id}}, checked field by
 * field; a field absent is null (PATCH leaves it alone; POST requires url and events).
 */
record WebhookRequest(String url, List<String> events, String description, Boolean enabled) {

    static final int MAX_DESCRIPTION = 500;
    private static final Set<String> FIELDS = Set.of("url", "events", "description", "enabled");

    static WebhookRequest parse(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("Unknown field '" + ApiException.printable(field) + "'; allowed: url, events, description, enabled");
            }
        }
        return new WebhookRequest(text(body, "url"), events(body), description(body), enabled(body));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badField(field, "'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static String description(JsonNode body) {
        String d = text(body, "description");
        if (d != null && d.length() > MAX_DESCRIPTION) {
            throw ApiException.badField("description", "'description' is longer than " + MAX_DESCRIPTION + " characters");
        }
        if (d != null && d.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw ApiException.badField("description", "'description' must not hold control characters");
        }
        return d;
    }

    private static List<String> events(JsonNode body) {
        JsonNode v = body.get("events");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw ApiException.badField("events", "'events' must be an array of event types");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ApiException.badField("events", "'events' must be an array of event types");
            }
            out.add(e.asText());
        }
        return WebhookEventTypes.check(out, "events");
    }

    private static Boolean enabled(JsonNode body) {
        JsonNode v = body.get("enabled");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.badField("enabled", "'enabled' must be true or false");
        }
        return v.asBoolean();
    }

}
