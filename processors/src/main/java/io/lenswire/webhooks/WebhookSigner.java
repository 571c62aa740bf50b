package io.lenswire.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." +
 * body)), one per secret, space-separated, so that during a rotation both the new and the old
 * secret sign and a receiver with either verifies.
 */
public final class WebhookSigner {

    private WebhookSigner() {
    }

    /** The {@code webhook-signature} header value for these secrets (new first). */
    public static String signature(String messageId, long timestampSeconds, byte[] body, List<String> secrets) {
        return secrets.stream().map(s -> "v1," + sign(messageId, timestampSeconds, body, s)).collect(Collectors.joining(" "));
    }

    static String sign(String messageId, long timestampSeconds, byte[] body, String secret) {
        byte[] key = WebhookSecrets.key(secret).orElseThrow(() -> new IllegalArgumentException("not a whsec_ secret"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
