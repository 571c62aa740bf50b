package io.lenswire.webhooks;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Endpoint secrets in the Standard Webhooks form: {@code whsec_} + base64 of the key bytes. The
 * key is what signs; the form is what receivers paste into their verifier.
 */
public final class WebhookSecrets {

    public static final String PREFIX = "whsec_";
    static final int GENERATED_BYTES = 32;
    /** The specification asks for 24 to 64 random bytes. */
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;

    private final SecureRandom random = new SecureRandom();

    public String generate() {
        byte[] key = new byte[GENERATED_BYTES];
        random.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The key bytes of a well-formed secret, or empty. */
    public static Optional<byte[]> key(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            return key.length >= MIN_BYTES && key.length <= MAX_BYTES ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
