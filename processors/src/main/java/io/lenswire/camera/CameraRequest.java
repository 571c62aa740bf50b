package io.lenswire.camera;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.api.ApiException;
import io.lenswire.ingest.StreamUrls;

/**
 * Validation of {@code POST /api/stream/cameras/add}: every rule a message the client can act on,
 * naming the field at fault (the console shows it beside that field).
 */
final class CameraRequest {

    static final Pattern CAMERA_ID = Camera.ID_PATTERN;
    static final int MAX_NAME_LENGTH = Camera.MAX_NAME_LENGTH;
    private static final Set<String> FIELDS = Set.of("camera_id", "rtsp_url", "name", "enable_analytics", "tls_verify");

    private CameraRequest() {
    }

    static Camera parse(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("Unknown field '" + ApiException.printable(field) + "'; allowed: camera_id, rtsp_url, name, enable_analytics, tls_verify");
            }
        }
        String id = requiredText(body, "camera_id");
        if (!CAMERA_ID.matcher(id).matches()) {
            throw ApiException.badField("camera_id", "camera_id must be " + Camera.ID_RULE);
        }
        String url = requiredText(body, "rtsp_url");
        String problem = StreamUrls.problemWith(url);
        if (problem != null) {
            throw ApiException.badField("rtsp_url", problem);
        }
        String name = optionalText(body, "name");
        if (name == null || name.isBlank()) {
            name = id;
        } else if (name.length() > MAX_NAME_LENGTH) {
            throw ApiException.badField("name", "name is longer than " + MAX_NAME_LENGTH + " characters");
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badField("name", "name must not contain control characters");
        }
        boolean analytics = optionalFlag(body, "enable_analytics", false);
        boolean tlsVerify = optionalFlag(body, "tls_verify", true);
        return new Camera(id, name.strip(), url, analytics, Camera.Origin.API, tlsVerify);
    }

    private static boolean optionalFlag(JsonNode body, String field, boolean absent) {
        JsonNode flag = body.get(field);
        if (flag == null || flag.isNull()) {
            return absent;
        }
        if (!flag.isBoolean()) {
            throw ApiException.badField(field, field + " must be true or false");
        }
        return flag.booleanValue();
    }

    private static String requiredText(JsonNode body, String field) {
        String value = optionalText(body, field);
        if (value == null || value.isEmpty()) {
            throw ApiException.badField(field, field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badField(field, field + " must be a string");
        }
        return node.textValue();
    }

}
