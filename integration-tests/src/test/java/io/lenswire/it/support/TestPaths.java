package io.lenswire.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put things the tests need. */
public final class TestPaths {
    private TestPaths() {
    }

    /** The server as the README runs it: the build's extracted layout (lenswire.jar beside lib/). */
    public static Path jar() {
        return built(System.getProperty("lenswire.jar", "../processors/target/lenswire/lenswire.jar"));
    }

    /** The same server as one self-contained Spring Boot jar (nested jars). */
    public static Path fatJar() {
        return built(System.getProperty("lenswire.fat-jar", "../processors/target/lenswire.jar"));
    }

    private static Path built(String path) {
        Path jar = Path.of(path).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the server first: " + jar + " is missing");
        }
        return jar;
    }

    public static Path testbed() {
        return Path.of(System.getProperty("lenswire.testbed", "src/test/testbed")).toAbsolutePath().normalize();
    }

    public static Path target() {
        return Path.of("target").toAbsolutePath();
    }

    /**
     * A new directory for one test's files (a server's data dir, a browser profile), under
     * {@code target/tmp}: kept after the run for a look at what a failed test left, and gone
     * with the build's output instead of piling up in the system's temporary directory.
     */
    public static Path scratch(String prefix) {
        try {
            Path parent = Files.createDirectories(target().resolve("tmp"));
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
