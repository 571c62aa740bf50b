package io.lenswire.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

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

    /**
     * Pooled: PostgreSQL starts a process per connection, and a connection per statement (as
     * DriverManagerDataSource opens them) made a test of 600 statements take a minute.
     */
    public static DataSource postgres() {
        return migrated(SharedServer.pool(), "postgresql");
    }

    /** The schema of {@code vendor} (Spring Boot's name for the database: h2, postgresql). */
    public static DataSource migrated(DataSource db, String vendor) {
        Flyway.configure().dataSource(db).locations(locations(vendor)).load().migrate();
        return db;
    }

    public static String[] locations(String vendor) {
        return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + vendor};
    }

    /**
     * Started on first use (class initialization is lazy and thread-safe); its pools closed and
     * the server stopped when the JVM ends.
     */
    private static final class SharedServer {
        static final PostgresServer INSTANCE = PostgresServer.start();
        private static final List<HikariDataSource> POOLS = new CopyOnWriteArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                POOLS.forEach(HikariDataSource::close);
                INSTANCE.close();
            }, "postgres-test-server-stop"));
        }

        /** A pool on a new database; idle connections end after 10 s, so finished tests hold none. */
        static HikariDataSource pool() {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(INSTANCE.newDatabase());
            config.setUsername(INSTANCE.user());
            config.setMaximumPoolSize(8);
            config.setMinimumIdle(0);
            config.setIdleTimeout(10_000);
            HikariDataSource pool = new HikariDataSource(config);
            POOLS.add(pool);
            return pool;
        }
    }
}
