package io.lenswire.analytics;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link FaceRepositoryTest} on a real PostgreSQL server. */
class PostgresFaceRepositoryTest extends FaceRepositoryTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
