package io.lenswire.playback;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Playback session ids: 128 random bits, base64url without padding (22 characters). They appear
 * in URL paths, so a value of any other shape is refused before it is looked up anywhere.
 */
public final class SessionIds {

    private static final int RANDOM_BYTES = 16;
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {
    }

    public static String next() {
        return random(RANDOM_BYTES);
    }

    /** True for a string that could be a session id; says nothing about whether the session exists. */
    public static boolean isWellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
