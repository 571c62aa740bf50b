package io.lenswire.camera;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link CameraRepositoryTest} on a real PostgreSQL server. */
class PostgresCameraRepositoryTest extends CameraRepositoryTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
