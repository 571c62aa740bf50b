package io.lenswire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * New directories for a test's files under {@code target/tmp}, for Spring tests whose context
 * (which may hold files open) outlives a JUnit {@code @TempDir}: they go with the build's output
 * instead of piling up in the system's temporary directory.
 */
public final class ScratchDirs {

    private ScratchDirs() {
    }

    public static Path create(String prefix) {
        try {
            Path parent = Files.createDirectories(Path.of("target", "tmp").toAbsolutePath());
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
