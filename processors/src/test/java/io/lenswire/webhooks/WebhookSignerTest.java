package io.lenswire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    /** The Standard Webhooks / Svix reference test vector. */
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330L;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsLikeTheSpecificationsReferenceVector() {
        assertThat(WebhookSigner.signature(MSG_ID, TIMESTAMP, BODY, List.of(SECRET)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aRotatedEndpointSignsWithBothSecretsNewFirst() {
        String other = new WebhookSecrets().generate();
        String header = WebhookSigner.signature(MSG_ID, TIMESTAMP, BODY, List.of(other, SECRET));
        String[] parts = header.split(" ");
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).isEqualTo("v1," + WebhookSigner.sign(MSG_ID, TIMESTAMP, BODY, other));
        assertThat(parts[1]).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anyChangeOfIdTimestampOrBodyChangesTheSignature() {
        String base = WebhookSigner.sign(MSG_ID, TIMESTAMP, BODY, SECRET);
        assertThat(WebhookSigner.sign(MSG_ID + "x", TIMESTAMP, BODY, SECRET)).isNotEqualTo(base);
        assertThat(WebhookSigner.sign(MSG_ID, TIMESTAMP + 1, BODY, SECRET)).isNotEqualTo(base);
        assertThat(WebhookSigner.sign(MSG_ID, TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), SECRET)).isNotEqualTo(base);
    }

    @Test
    void generatedSecretsAreWhsecWith32RandomBytes() {
        WebhookSecrets secrets = new WebhookSecrets();
        String a = secrets.generate();
        assertThat(a).startsWith("whsec_");
        assertThat(WebhookSecrets.key(a)).hasValueSatisfying(k -> assertThat(k).hasSize(32));
        assertThat(secrets.generate()).isNotEqualTo(a);
    }

    @Test
    void malformedSecretsAreRefused() {
        assertThat(WebhookSecrets.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isEmpty(); // no prefix
        assertThat(WebhookSecrets.key("whsec_not base64!")).isEmpty();
        assertThat(WebhookSecrets.key("whsec_c2hvcnQ=")).isEmpty(); // 5 bytes
        assertThat(WebhookSecrets.key(null)).isEmpty();
        assertThatThrownBy(() -> WebhookSigner.sign(MSG_ID, TIMESTAMP, BODY, "nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
