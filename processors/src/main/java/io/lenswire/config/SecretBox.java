package io.lenswire.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets kept in the database (camera URLs with their passwords, webhook signing
 * secrets) with AES-256-GCM, so a copy of the database file alone does not give them away. The key
 * comes from {@code lenswire.security.data-key} (base64 of 32 bytes) or, when that is empty, from
 * {@code <data-dir>/data-key}, generated owner-only at first start. Each value is bound to its
 * purpose (the column it lives in), so a sealed value copied to another column does not open.
 * Values written before encryption existed (no prefix) are read as they are.
 */
@Component
public class SecretBox {

    private static final Logger LOG = LoggerFactory.getLogger(SecretBox.class);
    static final String PREFIX = "enc:v1:";
    static final String KEY_FILE = "data-key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    public SecretBox(LenswireProperties properties) {
        this(keyBytes(properties.getSecurity().getDataKey(), properties.getDataDir()));
    }

    /** A box with a given key (tests, tools). */
    public static SecretBox withKey(byte[] key) {
        return new SecretBox(key);
    }

    private SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalStateException("The data key must be 32 bytes (base64 of 32 random bytes), got " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The sealed form of {@code plain} for {@code purpose}; null stays null. */
    public String seal(String plain, String purpose) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plain value of a sealed one (or the value itself when it was stored before encryption). */
    public String open(String stored, String purpose) {
        if (stored == null || !isSealed(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnreadableException(purpose);
        }
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    private static byte[] keyBytes(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            try {
                return Base64.getDecoder().decode(configured.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("lenswire.security.data-key must be base64 of 32 bytes");
            }
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                PrivateDataDirectory.ensure(dataDir);
                PrivateDataDirectory.writeNewSecret(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                LOG.info("generated the data key that encrypts secrets in the database: {} in the data dir (back it up with the database)", KEY_FILE);
                return fresh;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("The data key file " + KEY_FILE + " in the data dir is not base64; restore it from a backup");
            }
            if (key.length != 32) {
                throw new IllegalStateException("The data key file " + KEY_FILE + " in the data dir holds " + key.length
                        + " bytes instead of 32 (empty or truncated?); restore it from a backup");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the data key file " + KEY_FILE + " in the data dir", e);
        }
    }

    /** A stored secret that this key cannot open (the data key was replaced or the value damaged). */
    public static final class SecretUnreadableException extends RuntimeException {
        SecretUnreadableException(String purpose) {
            super("A stored " + purpose + " cannot be decrypted with this data key (was the data-key file replaced?)");
        }
    }
}
