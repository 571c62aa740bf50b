package io.lenswire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.lenswire.config.SecretBox;
import io.lenswire.events.StoredEvent;
import io.lenswire.testing.MutableClock;
import io.lenswire.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The outbox's bookkeeping on the real schema (H2 in memory): attempts, the schedule's end, manual retries. */
class WebhookOutboxTest {

    private static final String ENDPOINT = "ep_test";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private JdbcTemplate jdbc;
    private DataSource db;
    private WebhookEndpoints endpoints;
    private WebhookProperties settings;
    private WebhookOutbox outbox;
    private long seq;

    /** A fresh database with the schema; {@code Postgres} + this class's name runs every test on PostgreSQL. */
    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void setUp() {
        db = newDatabase();
        jdbc = new JdbcTemplate(db);
        settings = new WebhookProperties();
        settings.setRetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        settings.setRetryJitter(0);
        endpoints = new WebhookEndpoints(jdbc, clock, settings, SecretBox.withKey(new byte[32]));
        long now = clock.millis();
        endpoints.insert(new WebhookEndpoint(ENDPOINT, "http://127.0.0.1:9/x", "", List.of("webhook.test"), true, null,
                WebhookEndpoint.ORIGIN_API, "whsec_" + "A".repeat(43) + "=", null, null, now, now));
        outbox = node("node-a");
        jdbc.update("INSERT INTO events (event_id, type, occurred_at, created_at, payload) VALUES (?, ?, ?, ?, ?)",
                "evt_" + "a".repeat(22), "webhook.test", now, now, "{\"type\":\"webhook.test\",\"timestamp\":\"x\",\"data\":{}}");
        seq = jdbc.queryForObject("SELECT MAX(seq) FROM events", Long.class);
        outbox.inTransaction(new StoredEvent(seq, "evt_" + "a".repeat(22), "webhook.test", null, null, now, "{}"), null);
    }

    @Test
    void aFailedDeliveryRetriedByHandCountsEveryAttempt() {
        assertThat(attemptUntilDone(500)).isEqualTo(WebhookOutbox.Result.FAILED);
        assertThat(only().get("attempt_count")).isEqualTo(3);

        long id = (Long) only().get("id");
        assertThat(outbox.retryNow(ENDPOINT, id)).isTrue();
        assertThat(only().get("status")).isEqualTo(WebhookOutbox.PENDING);
        assertThat(attempt(200)).isEqualTo(WebhookOutbox.Result.DELIVERED);

        Map<String, Object> d = only();
        assertThat(d.get("status")).isEqualTo(WebhookOutbox.DELIVERED);
        assertThat((List<?>) d.get("attempts")).hasSize(4);
        assertThat(d.get("attempt_count")).as("attempt_count is the attempts made").isEqualTo(4);
    }

    @Test
    void aFailedDeliveryRetriedByHandThatFailsAgainIsFailedAtOnce() {
        attemptUntilDone(500);
        assertThat(outbox.retryNow(ENDPOINT, (Long) only().get("id"))).isTrue();
        assertThat(attempt(503)).as("past the schedule's end: no further wait").isEqualTo(WebhookOutbox.Result.FAILED);
        assertThat(only().get("attempt_count")).isEqualTo(4);
        assertThat(only().get("status")).isEqualTo(WebhookOutbox.FAILED);
    }

    @Test
    void unknownDeliveriesAreNotRetried() {
        assertThat(outbox.retryNow(ENDPOINT, 999_999)).isFalse();
        assertThat(outbox.retryNow("ep_other", (Long) only().get("id"))).isFalse();
    }

    /**
     * Several dispatchers on one database (the nodes of a cluster, issue 15) claiming at once:
     * every due delivery is claimed exactly once.
     */
    @Test
    void dispatchersSharingADatabaseNeverClaimTheSameDelivery() throws Exception {
        long now = clock.millis();
        for (int i = 0; i < 199; i++) {
            String id = String.format("evt_%022d", i);
            jdbc.update("INSERT INTO events (event_id, type, occurred_at, created_at, payload) VALUES (?, ?, ?, ?, ?)",
                    id, "webhook.test", now, now, "{}");
            long s = jdbc.queryForObject("SELECT MAX(seq) FROM events", Long.class);
            outbox.inTransaction(new StoredEvent(s, id, "webhook.test", null, null, now, "{}"), null);
        }
        int dispatchers = 4;
        List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(dispatchers);
        ExecutorService pool = Executors.newFixedThreadPool(dispatchers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int n = 0; n < dispatchers; n++) {
                WebhookOutbox node = node("node-" + n);
                runs.add(pool.submit(() -> {
                    start.await();
                    List<Delivery> got;
                    do {
                        got = node.claimDue(ENDPOINT, 7);
                        got.forEach(d -> claimed.add(d.id()));
                    } while (!got.isEmpty());
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
    }

    /**
     * A node killed mid-attempt leaves its claim behind. Started again, it takes the delivery back at
     * once; another node's claim it leaves alone (that node may be attempting it right now), and
     * that one is due again only when the claim runs out.
     */
    @Test
    void aNodeStartedAgainTakesBackOnlyItsOwnClaims() {
        long now = clock.millis();
        String other = "evt_" + "b".repeat(22);
        jdbc.update("INSERT INTO events (event_id, type, occurred_at, created_at, payload) VALUES (?, ?, ?, ?, ?)",
                other, "webhook.test", now, now, "{}");
        long otherSeq = jdbc.queryForObject("SELECT MAX(seq) FROM events", Long.class);
        outbox.inTransaction(new StoredEvent(otherSeq, other, "webhook.test", null, null, now, "{}"), null);
        WebhookOutbox nodeB = node("node-b");
        assertThat(outbox.claimDue(ENDPOINT, 1)).extracting(Delivery::eventId).containsExactly("evt_" + "a".repeat(22));
        assertThat(nodeB.claimDue(ENDPOINT, 1)).extracting(Delivery::eventId).containsExactly(other);
        // both die with their attempts in flight; node-a starts again
        WebhookOutbox restarted = node("node-a");
        assertThat(restarted.claimDue(ENDPOINT, 5)).as("before its start-up: every claim still held").isEmpty();
        restarted.afterPropertiesSet();
        List<Delivery> takenBack = restarted.claimDue(ENDPOINT, 5);
        assertThat(takenBack).as("its own claim taken back, node-b's left").extracting(Delivery::eventId)
                .containsExactly("evt_" + "a".repeat(22));
        restarted.record(takenBack.get(0), new WebhookOutbox.Outcome(200, null, 5), clock.millis());
        clock.advance(Duration.ofMinutes(1));
        assertThat(restarted.claimDue(ENDPOINT, 5)).as("node-b's claim once it ran out").extracting(Delivery::eventId).containsExactly(other);
    }

    private WebhookOutbox node(String claimant) {
        return new WebhookOutbox(new JdbcTemplate(db), new TransactionTemplate(new DataSourceTransactionManager(db)), endpoints, clock,
                settings, new SimpleMeterRegistry(), claimant);
    }

    /** Attempts, each answered with {@code status}, until the delivery is no longer retried. */
    private WebhookOutbox.Result attemptUntilDone(int status) {
        WebhookOutbox.Result r;
        do {
            r = attempt(status);
        } while (r == WebhookOutbox.Result.RETRY);
        return r;
    }

    private WebhookOutbox.Result attempt(int status) {
        clock.advance(Duration.ofSeconds(10));
        List<Delivery> due = outbox.claimDue(ENDPOINT, 1);
        assertThat(due).hasSize(1);
        return outbox.record(due.get(0), new WebhookOutbox.Outcome(status, status == 200 ? null : "HTTP " + status, 5), clock.millis());
    }

    private Map<String, Object> only() {
        List<Map<String, Object>> all = outbox.deliveries(ENDPOINT, null, null, 10);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

}
