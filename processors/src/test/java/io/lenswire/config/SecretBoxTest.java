package io.lenswire.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    @TempDir
    Path dataDir;

    private SecretBox fromDataDir() {
        LenswireProperties properties = new LenswireProperties();
        properties.setDataDir(dataDir);
        return new SecretBox(properties);
    }

    @Test
    void aSealedValueOpensToItselfAndDoesNotContainIt() {
        SecretBox box = SecretBox.withKey(new byte[32]);
        String url = "rtsp://admin:hunter2@192.0.2.10/stream";
        String sealed = box.seal(url, "cameras.rtsp_url");
        assertThat(sealed).startsWith("enc:v1:").doesNotContain("hunter2").doesNotContain("admin");
        assertThat(box.seal(url, "cameras.rtsp_url")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(box.open(sealed, "cameras.rtsp_url")).isEqualTo(url);
    }

    @Test
    void valuesWrittenBeforeEncryptionAreReadAsTheyAre() {
        SecretBox box = SecretBox.withKey(new byte[32]);
        assertThat(box.open("rtsp://cam/x", "cameras.rtsp_url")).isEqualTo("rtsp://cam/x");
        assertThat(box.open(null, "cameras.rtsp_url")).isNull();
        assertThat(box.seal(null, "cameras.rtsp_url")).isNull();
    }

    @Test
    void aValueDoesNotOpenForAnotherPurposeWithAnotherKeyOrWhenTampered() {
        SecretBox box = SecretBox.withKey(new byte[32]);
        String sealed = box.seal("whsec_abc", "webhook_endpoints.secret");
        assertThatThrownBy(() -> box.open(sealed, "cameras.rtsp_url")).isInstanceOf(SecretBox.SecretUnreadableException.class);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> SecretBox.withKey(other).open(sealed, "webhook_endpoints.secret"))
                .isInstanceOf(SecretBox.SecretUnreadableException.class);
        int at = "enc:v1:".length() + 20; // inside the ciphertext, away from base64 padding bits
        String tampered = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
        assertThatThrownBy(() -> box.open(tampered, "webhook_endpoints.secret")).isInstanceOf(SecretBox.SecretUnreadableException.class);
        assertThatThrownBy(() -> box.open("enc:v1:%%%", "webhook_endpoints.secret")).isInstanceOf(SecretBox.SecretUnreadableException.class);
    }

    @Test
    void theKeyFileIsGeneratedOwnerOnlyAndReusedAtTheNextStart() throws Exception {
        SecretBox first = fromDataDir();
        Path file = dataDir.resolve(SecretBox.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        String sealed = first.seal("secret", "p");
        assertThat(fromDataDir().open(sealed, "p")).isEqualTo("secret");
    }

    @Test
    void anEmptyOrTruncatedKeyFileIsAStartupError() throws Exception {
        Path file = dataDir.resolve(SecretBox.KEY_FILE);
        Files.writeString(file, "");
        assertThatThrownBy(this::fromDataDir).hasMessageContaining("0 bytes instead of 32");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[20]), StandardCharsets.UTF_8);
        assertThatThrownBy(this::fromDataDir).hasMessageContaining("20 bytes instead of 32");
        Files.writeString(file, "not base64 !!");
        assertThatThrownBy(this::fromDataDir).hasMessageContaining("not base64");
    }

    @Test
    void aConfiguredKeyIsUsedAndNoFileIsWritten() {
        LenswireProperties properties = new LenswireProperties();
        properties.setDataDir(dataDir);
        properties.getSecurity().setDataKey(Base64.getEncoder().encodeToString(new byte[32]));
        String sealed = new SecretBox(properties).seal("x", "p");
        assertThat(SecretBox.withKey(new byte[32]).open(sealed, "p")).isEqualTo("x");
        assertThat(dataDir.resolve(SecretBox.KEY_FILE)).doesNotExist();
        properties.getSecurity().setDataKey(Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> new SecretBox(properties)).hasMessageContaining("32 bytes");
    }
}
