package io.lenswire.playback;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.api.ApiException;

/** The body of {@code POST /api/stream/playback/create-session}: {@code {camera_id, user_id}}, nothing else. */
record CreateSessionRequest(String cameraId, String userId) {

    /** The camera id rule of camera add (io.lenswire.camera.CameraRequest). */
    static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    static final int MAX_USER_ID_LENGTH = 128;
    private static final Set<String> FIELDS = Set.of("camera_id", "user_id");

    static CreateSessionRequest parse(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("Unknown field '" + ApiException.printable(field) + "'; allowed: camera_id, user_id");
            }
        }
        String cameraId = requiredText(body, "camera_id");
        if (!CAMERA_ID.matcher(cameraId).matches()) {
            throw ApiException.badRequest("camera_id must be 1-64 characters of letters, digits, '-' or '_', starting with a letter or digit");
        }
        String userId = requiredText(body, "user_id");
        int length = userId.codePointCount(0, userId.length());
        if (length > MAX_USER_ID_LENGTH) {
            throw ApiException.badRequest("user_id is longer than " + MAX_USER_ID_LENGTH + " characters");
        }
        if (!userId.codePoints().allMatch(CreateSessionRequest::isPrintable)) {
            throw ApiException.badRequest("user_id must be printable: no control, format or unassigned characters");
        }
        if (userId.isBlank()) {
            throw ApiException.badRequest("user_id must not be blank");
        }
        return new CreateSessionRequest(cameraId, userId);
    }

    /** Refuses what could hide or reorder text in logs and UIs (controls, bidi overrides, zero-width marks). */
    private static boolean isPrintable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        if (node.textValue().isEmpty()) {
            throw ApiException.badRequest(field + " is required");
        }
        return node.textValue();
    }

}
