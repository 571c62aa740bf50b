package io.lenswire.testing;

import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Fresh databases with the product's schema, as Flyway makes it at start: H2 in memory (the
 * embedded default) or PostgreSQL (a real server, started once per test JVM on first use).
 * The migration locations are those of {@code spring.flyway.locations} in application.yaml, with
 * Spring Boot's {@code {vendor}} resolved.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    public static DataSource h2() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        return migrated(db, "h2");
    }

    public static DataSource postgres() {
        PostgresServer server = SharedServer.INSTANCE;
        return migrated(new DriverManagerDataSource(server.newDatabase(), server.user(), ""), "postgresql");
    }

    /** The schema of {@code vendor} (Spring Boot's name for the database: h2, postgresql). */
    public static DataSource migrated(DataSource db, String vendor) {
        Flyway.configure().dataSource(db).locations(locations(vendor)).load().migrate();
        return db;
    }

    public static String[] locations(String vendor) {
        return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + vendor};
    }

    /** Started on first use (class initialization is lazy and thread-safe); stopped when the JVM ends. */
    private static final class SharedServer {
        static final PostgresServer INSTANCE = PostgresServer.start();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(INSTANCE::close, "postgres-test-server-stop"));
        }
    }
}
