package io.lenswire.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put things the tests need. */
public final class TestPaths {
    private TestPaths() {
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("lenswire.jar", "../processors/target/lenswire/lenswire.jar")).toAbsolutePath().normalize();
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
}
