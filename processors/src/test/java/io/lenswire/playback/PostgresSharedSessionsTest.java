package io.lenswire.playback;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link SharedSessionsTest} on a real PostgreSQL server. */
class PostgresSharedSessionsTest extends SharedSessionsTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
