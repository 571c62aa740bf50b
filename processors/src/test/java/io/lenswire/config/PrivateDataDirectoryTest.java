package io.lenswire.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.mock.env.MockEnvironment;

class PrivateDataDirectoryTest {

    @TempDir
    Path root;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDirectoryIsCreatedOwnerOnlyWithItsParents() throws Exception {
        Path dir = root.resolve("a/b/data");
        assertThat(PrivateDataDirectory.ensure(dir)).isFalse();
        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void anExistingOpenDirectoryIsTightened() throws Exception {
        Path dir = Files.createDirectory(root.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PrivateDataDirectory.ensure(dir)).isTrue();
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(PrivateDataDirectory.ensure(dir)).isFalse();
    }

    @Test
    void aSecretFileIsOwnerOnlyAndNeverOverwritten() throws Exception {
        Path file = root.resolve("secret");
        PrivateDataDirectory.writeNewSecret(file, "one\n");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("one\n");
        assertThatThrownBy(() -> PrivateDataDirectory.writeNewSecret(file, "two\n")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("one\n");
    }

    @Test
    void theDataDirAndItsDatabaseDirAreOwnerOnlyBeforeAnyBeanRuns() throws Exception {
        Path dataDir = root.resolve("fresh");
        MockEnvironment environment = new MockEnvironment().withProperty("lenswire.data-dir", dataDir.toString());
        DeferredLogFactory logs = destination -> LogFactory.getLog(DataDirectoryPreparer.class);
        new DataDirectoryPreparer(logs).postProcessEnvironment(environment, null);
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("db"))).isEqualTo("rwx------");
    }
}
