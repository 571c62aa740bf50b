package io.lenswire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lenswire.config.LenswireProperties;

class ApiKeysTest {

    @TempDir
    Path dataDir;

    private ApiKeys keys() throws Exception {
        LenswireProperties properties = new LenswireProperties();
        properties.setDataDir(dataDir);
        return new ApiKeys(properties);
    }

    @Test
    void aGeneratedKeyIsOwnerOnlyAndAcceptedAfterARestart() throws Exception {
        keys();
        Path file = dataDir.resolve("api-key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String key = Files.readString(file).strip();
        assertThatCode(() -> keys().checkKey(key)).doesNotThrowAnyException();
        assertThatThrownBy(() -> keys().checkKey(key + "x")).isInstanceOf(ApiException.class);
    }

    @Test
    void anEmptyKeyFileIsAStartupErrorNotAnOpenDoor() throws Exception {
        Files.writeString(dataDir.resolve("api-key"), "\n");
        assertThatThrownBy(this::keys).hasMessageContaining("is empty");
    }

    @Test
    void aTruncatedOrGarbledKeyFileIsAStartupError() throws Exception {
        Files.writeString(dataDir.resolve("api-key"), "lw_abc\n");
        assertThatThrownBy(this::keys).hasMessageContaining("damaged");
        Files.writeString(dataDir.resolve("api-key"), "lw_abcdefghijkl mnopqrstuvwxyz\n");
        assertThatThrownBy(this::keys).hasMessageContaining("damaged");
    }
}
