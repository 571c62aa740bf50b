package io.lenswire.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Finds a model file and checks its SHA-256 before OpenCV ever reads it. */
public final class ModelFiles {

    /**
     * A model file that exists and matched its expected checksum (or had none configured); for a
     * model packaged in the jar, {@code bundled} holds its bytes and {@code path} is just its name.
     */
    public record Verified(Path path, String sha256, boolean checked, byte[] bundled) {
        public Verified(Path path, String sha256, boolean checked) {
            this(path, sha256, checked, null);
        }

        /** Where the model came from, for the log. */
        public String source() {
            return bundled != null ? path + " packaged in the jar" : path.toString();
        }
    }

    /** Directory of the models packaged in the jar (class path resources). */
    static final String BUNDLED_DIR = "/models/";

    private ModelFiles() {
    }

    public static Verified verify(String what, Path path, String expectedSha256) {
        if (!Files.isRegularFile(path)) {
            throw new ModelException(what + " model file not found: " + shown(path)
                    + ("YuNet".equals(what) ? " (run scripts/fetch-models.sh, or set lenswire.analytics.models-dir)"
                    : " (see README.md, Face analytics, for where to get it)"), true);
        }
        String actual;
        try {
            actual = sha256(path);
        } catch (IOException e) {
            throw new ModelException(what + " model file " + shown(path) + " cannot be read: " + e.getMessage(), e);
        }
        boolean check = expectedSha256 != null && !expectedSha256.isBlank();
        if (check && !actual.equalsIgnoreCase(expectedSha256.strip())) {
            throw new ModelException(what + " model file " + shown(path) + " has sha256 " + actual + " but " + expectedSha256.strip()
                    + " is expected: the file is corrupt or another revision (replace it, or set the expected checksum)");
        }
        return new Verified(path, actual, check);
    }

    /**
     * How a model file is named in errors, which health shows to API clients: its file name only,
     * never the machine's directories (the log line of the failure names the models dir).
     */
    public static String shown(Path path) {
        Path name = path.getFileName();
        return name == null ? "(none)" : name.toString();
    }

    /** A model packaged in the jar, checked like a file; null when the jar has no such model. */
    public static Verified bundled(String what, String name, String expectedSha256) {
        byte[] bytes;
        try (InputStream in = ModelFiles.class.getResourceAsStream(BUNDLED_DIR + name)) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException(what + " model " + name + " packaged in the jar cannot be read: " + e.getMessage(), e);
        }
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        boolean check = expectedSha256 != null && !expectedSha256.isBlank();
        if (check && !actual.equalsIgnoreCase(expectedSha256.strip())) {
            throw new ModelException(what + " model " + name + " packaged in the jar has sha256 " + actual + " but " + expectedSha256.strip()
                    + " is expected (put the expected file in the models dir, or set the expected checksum)");
        }
        return new Verified(Path.of(name), actual, check, bytes);
    }

    public static String sha256(Path path) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
