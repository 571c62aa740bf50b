package io.lenswire.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A webhook endpoint as stored. {@code secret} and {@code previousSecret} never leave the server
 * except in the create and rotate answers; {@link #toApi()} has neither.
 */
public record WebhookEndpoint(String id, String url, String description, List<String> events, boolean enabled,
                              String disabledReason, String origin, String secret, String previousSecret,
                              Long previousSecretUntil, long createdAt, long updatedAt) {

    public static final String ORIGIN_API = "api";
    public static final String ORIGIN_CONFIG = "config";

    /** The secrets that sign at {@code nowMillis}: the current one, and the previous one during its overlap. */
    public List<String> signingSecrets(long nowMillis) {
        List<String> secrets = new ArrayList<>(2);
        secrets.add(secret);
        if (previousSecret != null && previousSecretUntil != null && nowMillis < previousSecretUntil) {
            secrets.add(previousSecret);
        }
        return secrets;
    }

    public boolean wants(String eventType) {
        return events.contains(eventType);
    }

    @Override
    public String toString() {
        return "WebhookEndpoint[" + id + " " + url + "]"; // never the secrets
    }

    public Map<String, Object> toApi() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("url", url);
        m.put("description", description);
        m.put("events", events);
        m.put("enabled", enabled);
        m.put("disabled_reason", disabledReason);
        m.put("origin", origin);
        m.put("previous_secret_expires_at", previousSecretUntil == null ? null : Instant.ofEpochMilli(previousSecretUntil).toString());
        m.put("created_at", Instant.ofEpochMilli(createdAt).toString());
        m.put("updated_at", Instant.ofEpochMilli(updatedAt).toString());
        return m;
    }
}
