package io.lenswire.cluster;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link ClusterTablesTest} on a real PostgreSQL server. */
class PostgresClusterTablesTest extends ClusterTablesTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
