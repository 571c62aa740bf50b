package io.lenswire.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates files and directories under the data dir that only the server's user can read. The
 * permissions are given at creation (never chmod afterwards), so there is no moment in which another
 * user could open a secret; an existing directory that others can read is tightened.
 */
public final class PrivateDataDirectory {

    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateDataDirectory() {
    }

    /** Creates {@code dir} (and missing parents) as 0700, or tightens it when it exists. Returns whether it was tightened. */
    public static boolean ensure(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try {
                    Files.createDirectory(dir, ownerOnly(OWNER_DIR));
                    return false;
                } catch (FileAlreadyExistsException raced) {
                    // another start made it in between: tighten below
                }
            }
            if (!posix(dir)) {
                return false;
            }
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
            if (current.equals(OWNER_DIR)) {
                return false;
            }
            Files.setPosixFilePermissions(dir, OWNER_DIR);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a new owner-only (0600) file; fails if it exists, so a secret is never overwritten. */
    public static void writeNewSecret(Path file, String content) throws IOException {
        FileAttribute<?>[] attributes = posix(file.getParent()) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        try (var channel = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
            channel.write(StandardCharsets.UTF_8.encode(content));
        }
    }

    /** Makes an existing file owner-only (for files other libraries create, e.g. the H2 database). */
    public static void restrict(Path file) throws IOException {
        if (Files.isRegularFile(file) && posix(file)) {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

    private static boolean posix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileAttributeView(existing, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    }
}
