package io.lenswire.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The opaque paging cursor of the events API: base64url of "e" + the last seen seq. */
final class EventCursor {

    private EventCursor() {
    }

    static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("e" + seq).getBytes(StandardCharsets.US_ASCII));
    }

    /** The seq a cursor stands for, or empty when it is not a cursor this server made. */
    static Optional<Long> decode(String cursor) {
        if (cursor == null || cursor.length() > 32) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!text.matches("e[1-9][0-9]{0,17}")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(text.substring(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
