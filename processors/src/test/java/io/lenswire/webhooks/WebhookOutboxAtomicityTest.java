package io.lenswire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.lenswire.config.SecretBox;
import io.lenswire.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The outbox against the real schema (H2 in memory here, PostgreSQL in PostgresWebhookOutboxAtomicityTest; the Flyway migrations). */
class WebhookOutboxAtomicityTest {

    private JdbcTemplate plain;
    /** Fails the delivery's update when told to, as a crash between the two writes of an attempt would. */
    private FailingJdbc failing;
    private WebhookOutbox outbox;

    static final class FailingJdbc extends JdbcTemplate {
        volatile boolean failDeliveryUpdate;

        FailingJdbc(DataSource ds) {
            super(ds);
        }

        @Override
        public int update(String sql, Object... args) {
            if (failDeliveryUpdate && sql.startsWith("UPDATE webhook_deliveries SET status")) {
                throw new DataAccessResourceFailureException("the process died here");
            }
            return super.update(sql, args);
        }
    }

    /** A fresh database with the schema; {@code Postgres} + this class's name runs every test on PostgreSQL. */
    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void setUp() {
        DataSource ds = newDatabase();
        plain = new JdbcTemplate(ds);
        failing = new FailingJdbc(ds);
        Clock clock = Clock.systemUTC();
        WebhookProperties settings = new WebhookProperties();
        settings.setRetrySchedule(List.of(java.time.Duration.ofMillis(1)));
        WebhookEndpoints endpoints = new WebhookEndpoints(failing, clock, settings, SecretBox.withKey(new byte[32]));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        outbox = new WebhookOutbox(failing, tx, endpoints, clock, settings, new SimpleMeterRegistry(), WebhookOutbox.SINGLE_NODE);

        long now = clock.millis();
        plain.update("INSERT INTO webhook_endpoints (endpoint_id, url, description, event_types, enabled, origin, secret, created_at,"
                + " updated_at) VALUES ('ep', 'http://127.0.0.1:9/x', '', 'webhook.test', TRUE, 'api', 'whsec_x', ?, ?)", now, now);
        plain.update("INSERT INTO events (seq, event_id, type, occurred_at, created_at, payload) VALUES (1, 'evt_1', 'webhook.test', ?, ?,"
                + " '{}')", now, now);
        plain.update("INSERT INTO webhook_deliveries (event_seq, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)"
                + " VALUES (1, 'ep', 'pending', 0, ?, ?, ?)", now, now, now);
    }

    private int attemptRows() {
        return plain.queryForObject("SELECT COUNT(*) FROM webhook_attempts", Integer.class);
    }

    private int attemptCount() {
        return plain.queryForObject("SELECT attempts FROM webhook_deliveries", Integer.class);
    }

    @Test
    void anAttemptIsRecordedTogetherWithTheDeliverysNewStateOrNotAtAll() {
        Delivery d = outbox.claimDue("ep", 1).get(0);
        failing.failDeliveryUpdate = true;
        assertThatThrownBy(() -> outbox.record(d, new WebhookOutbox.Outcome(200, null, 5), System.currentTimeMillis()))
                .isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(attemptRows()).as("no attempt on record that the delivery does not count").isZero();
        assertThat(attemptCount()).isZero();
        assertThat(plain.queryForObject("SELECT status FROM webhook_deliveries", String.class)).isEqualTo("pending");

        failing.failDeliveryUpdate = false;
        assertThat(outbox.record(d, new WebhookOutbox.Outcome(null, "ConnectException: Connection refused", 1),
                System.currentTimeMillis())).isEqualTo(WebhookOutbox.Result.RETRY);
        assertThat(attemptRows()).isEqualTo(1);
        assertThat(attemptCount()).isEqualTo(1);
    }

    @Test
    void aDeliveryMovesThroughRetryToDeliveredWithEveryAttemptCounted() throws InterruptedException {
        Delivery first = outbox.claimDue("ep", 1).get(0);
        assertThat(outbox.claimDue("ep", 1)).as("claimed: not taken twice").isEmpty();
        assertThat(outbox.record(first, new WebhookOutbox.Outcome(503, "HTTP 503", 2), System.currentTimeMillis()))
                .isEqualTo(WebhookOutbox.Result.RETRY);
        Thread.sleep(5);
        Delivery second = outbox.claimDue("ep", 1).get(0);
        assertThat(second.attempts()).isEqualTo(1);
        assertThat(outbox.record(second, new WebhookOutbox.Outcome(200, null, 2), System.currentTimeMillis()))
                .isEqualTo(WebhookOutbox.Result.DELIVERED);
        assertThat(attemptRows()).isEqualTo(2);
        assertThat(attemptCount()).isEqualTo(2);
        assertThat(plain.queryForObject("SELECT status FROM webhook_deliveries", String.class)).isEqualTo("delivered");
        assertThat(outbox.claimDue("ep", 1)).isEmpty();
    }
}
