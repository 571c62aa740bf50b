package io.lenswire.webhooks;

import javax.sql.DataSource;

import io.lenswire.testing.TestDatabases;

/** Every test of {@link WebhookOutboxAtomicityTest} on a real PostgreSQL server. */
class PostgresWebhookOutboxAtomicityTest extends WebhookOutboxAtomicityTest {

    @Override
    DataSource newDatabase() {
        return TestDatabases.postgres();
    }
}
