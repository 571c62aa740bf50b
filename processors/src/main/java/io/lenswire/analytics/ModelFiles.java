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

    /** A model file that exists and matched its expected checksum (or had none configured). */
    public record Verified(Path path, String sha256, boolean checked) {
    }

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
