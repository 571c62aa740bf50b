package io.lenswire.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * H2 creates its files with the process umask (often 0644). They sit in the owner-only {@code db/}
 * directory (see {@link DataDirectoryPreparer}), so nobody else can reach them anyway; they are made
 * 0600 as well, so that copying the directory elsewhere (a backup) keeps them private.
 */
@Component
public class DatabaseFilePermissions {

    public DatabaseFilePermissions(JdbcTemplate opened, LenswireProperties properties) {
        opened.queryForObject("SELECT 1", Integer.class); // the database files exist from here on
        Path db = properties.getDataDir().resolve("db");
        if (!Files.isDirectory(db)) {
            return; // another database than the embedded H2 file
        }
        try (Stream<Path> files = Files.list(db)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                PrivateDataDirectory.restrict(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict the database files in " + db.getFileName(), e);
        }
    }
}
