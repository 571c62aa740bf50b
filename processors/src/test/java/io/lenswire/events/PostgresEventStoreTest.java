package io.lenswire.events;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link EventStoreTest} on a real PostgreSQL server. */
class PostgresEventStoreTest extends EventStoreTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
