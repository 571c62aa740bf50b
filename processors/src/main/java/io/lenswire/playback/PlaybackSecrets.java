package io.lenswire.playback;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code lenswire.playback.jwt-secrets} into HMAC keys. A short secret stops the start with
 * a message naming the entry (never its value); no secret at all gives a random one per start.
 */
final class PlaybackSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybackSecrets.class);
    /** HS256 needs a key at least as long as its 256-bit output (RFC 7518 section 3.2). */
    static final int MIN_BYTES = 32;
    static final String PROPERTY = "lenswire.playback.jwt-secrets";

    private PlaybackSecrets() {
    }

    /** The keys in configured order: the first signs, all verify. */
    static List<byte[]> from(List<String> configured) {
        List<String> secrets = configured == null ? List.of() : configured;
        if (secrets.isEmpty()) {
            byte[] random = new byte[MIN_BYTES];
            new SecureRandom().nextBytes(random);
            LOG.warn("{} is empty: playback tokens are signed with a random secret made at this start, so they stop "
                    + "working when the server restarts and no other node accepts them. Set {} (32+ bytes each) to keep them.",
                    PROPERTY, PROPERTY);
            return List.of(random);
        }
        List<byte[]> keys = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            byte[] key = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_BYTES) {
                throw new IllegalStateException(PROPERTY + "[" + i + "] is " + key.length + " bytes long; every playback "
                        + "JWT secret must be at least " + MIN_BYTES + " bytes (e.g. the output of `openssl rand -base64 48`)");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }
}
