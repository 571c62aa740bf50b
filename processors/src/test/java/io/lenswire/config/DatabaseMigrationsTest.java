package io.lenswire.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.lenswire.testing.TestDatabases;

/**
 * The migrations moved from one folder into common/ and {vendor}/ folders (for PostgreSQL). An H2
 * database made before the move must start with the new layout: Flyway checks each applied
 * migration's checksum, so the files H2 runs must be byte for byte what they were.
 */
class DatabaseMigrationsTest {

    /** The files as they were, all in one folder (db/migration/V1__... to V5__...). */
    private static final List<String> BEFORE = List.of("common/V1__cameras.sql", "h2/V2__faces.sql", "common/V3__events.sql",
            "common/V4__sealed_secrets.sql", "common/V5__camera_tls_verify.sql");

    @Test
    void anH2DatabaseMadeFromTheOneFolderLayoutValidatesAndMigratesWithTheNewOne(@TempDir Path flat) throws IOException {
        for (String file : BEFORE) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/" + file)) {
                Files.copy(in, flat.resolve(file.substring(file.indexOf('/') + 1)));
            }
        }
        DataSource db = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        assertThat(Flyway.configure().dataSource(db).locations("filesystem:" + flat).load().migrate().migrationsExecuted).isEqualTo(5);

        Flyway now = Flyway.configure().dataSource(db).locations(TestDatabases.locations("h2"))
                .ignoreMigrationPatterns("*:pending").load();
        now.validate(); // throws on a checksum, description or type mismatch
        // only what came after the move runs (V6 on)
        assertThat(now.migrate().migrations).extracting(m -> m.version).containsExactly("6", "7");
    }

    /**
     * What H2 runs now has the checksums that every H2 database made so far holds (the files as
     * they were at commit 6932c08, before the move): editing an applied migration would stop those
     * databases from starting. A change of schema is a new migration, V6 and on.
     */
    @Test
    void h2RunsTheAppliedMigrationsByteForByte() {
        JdbcTemplate db = new JdbcTemplate(TestDatabases.h2());
        assertThat(db.queryForList("SELECT \"checksum\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL"
                + " ORDER BY \"installed_rank\"", Integer.class))
                .startsWith(788424203, -1019691286, -2054113436, -1290428054, -1307766550);
    }

    @Test
    void postgresqlsSecondMigrationDiffersFromH2sOnlyInTheBlobType() throws IOException {
        String h2 = resource("h2/V2__faces.sql");
        String postgres = resource("postgresql/V2__faces.sql");
        String postgresBody = postgres.substring(postgres.indexOf("-- People enrolled"));
        assertThat(postgresBody.replace("BYTEA        ", "BLOB         ")).isEqualTo(h2);
    }

    private String resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/db/migration/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
