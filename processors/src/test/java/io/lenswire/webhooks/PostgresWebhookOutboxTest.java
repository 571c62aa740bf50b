package io.lenswire.webhooks;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link WebhookOutboxTest} on a real PostgreSQL server. */
class PostgresWebhookOutboxTest extends WebhookOutboxTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
