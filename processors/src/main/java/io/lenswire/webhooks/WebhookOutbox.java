package io.lenswire.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import io.lenswire.cluster.ClusterProperties;
import io.lenswire.events.EventStoreHook;
import io.lenswire.events.StoredEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The durable outbox (tables {@code webhook_deliveries} and {@code webhook_attempts}). A delivery
 * row is written for every enabled endpoint that wants an event, in the event's own transaction
 * ({@link #inTransaction}); attempts take due rows by claiming them ({@code claimed_until},
 * {@code claimed_by}), so a crash mid-attempt leaves a claim that runs out, and the row is taken
 * again: at least once. The crashed node itself takes its claims back as soon as it starts again
 * ({@link #afterPropertiesSet}), before it claims anything. An attempt's record and the delivery's
 * next state are written in one transaction ({@link #record}).
 */
@Repository
public class WebhookOutbox implements EventStoreHook, InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    /** The claimant of a server that is not part of a cluster: the only one on its database. */
    static final String SINGLE_NODE = "single-node";

    /** How an attempt ended. {@code httpStatus} null when no answer came (refused, timed out). */
    record Outcome(Integer httpStatus, String error, long durationMillis) {
        boolean delivered() {
            return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
        }

        boolean gone() {
            return httpStatus != null && httpStatus == 410;
        }
    }

    /** What became of a delivery after an attempt. */
    enum Result { DELIVERED, RETRY, FAILED, GONE }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final WebhookEndpoints endpoints;
    private final Clock clock;
    private final RetrySchedule schedule;
    private final long claimMillis;
    private final String claimant;

    @Autowired
    public WebhookOutbox(JdbcTemplate jdbc, TransactionTemplate tx, WebhookEndpoints endpoints, Clock clock, WebhookProperties settings,
                         MeterRegistry meters, ClusterProperties cluster) {
        this(jdbc, tx, endpoints, clock, settings, meters, cluster.isEnabled() ? cluster.getNodeId() : SINGLE_NODE);
    }

    WebhookOutbox(JdbcTemplate jdbc, TransactionTemplate tx, WebhookEndpoints endpoints, Clock clock, WebhookProperties settings,
                  MeterRegistry meters, String claimant) {
        this.jdbc = jdbc;
        this.claimant = claimant;
        this.tx = tx;
        this.endpoints = endpoints;
        this.clock = clock;
        this.schedule = new RetrySchedule(settings.getRetrySchedule(), settings.getRetryJitter(),
                () -> ThreadLocalRandom.current().nextDouble());
        // an attempt ends by its timeout; the claim outlives it, so only a crash lets a claim run out
        this.claimMillis = settings.getAttemptTimeout().toMillis() * 2 + 5_000;
        Gauge.builder("lenswire.webhook.outbox.depth", this, WebhookOutbox::pendingCount)
                .description("Deliveries not yet delivered or failed").register(meters);
        Gauge.builder("lenswire.webhook.outbox.oldest.pending", this, WebhookOutbox::oldestPendingSeconds)
                .description("Age of the oldest pending delivery").baseUnit("seconds").register(meters);
    }

    /**
     * Takes back the claims this node's previous run held: that run is gone (a node id is unique,
     * and a single node is alone on its database), so nothing is attempting those deliveries, and
     * they are due again now rather than when their claims run out.
     */
    @Override
    public void afterPropertiesSet() {
        int taken = jdbc.update("UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = ?"
                + " AND claimed_until IS NOT NULL AND status = ?", claimant, PENDING);
        if (taken > 0) {
            LOG.info("{} webhook deliveries were being attempted when this node last stopped: they are due again", taken);
        }
    }

    @Override
    public void inTransaction(StoredEvent event, String onlyEndpoint) {
        long now = clock.millis();
        for (WebhookEndpoint e : endpoints.enabled()) {
            boolean wanted = onlyEndpoint == null ? e.wants(event.type()) : e.id().equals(onlyEndpoint);
            if (wanted) {
                jdbc.update("INSERT INTO webhook_deliveries (event_seq, endpoint_id, status, attempts, next_attempt_at, created_at,"
                        + " updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)", event.seq(), e.id(), PENDING, now, now, now);
            }
        }
    }

    /**
     * Claims up to {@code max} due deliveries of one endpoint, oldest due first. A row is claimed by
     * a conditional update, so two dispatchers (or nodes) never both take it.
     */
    List<Delivery> claimDue(String endpointId, int max) {
        if (max <= 0) {
            return List.of();
        }
        long now = clock.millis();
        List<Long> due = jdbc.query("SELECT delivery_id FROM webhook_deliveries WHERE endpoint_id = ? AND status = ?"
                + " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, delivery_id"
                + " LIMIT ?", (rs, n) -> rs.getLong(1), endpointId, PENDING, now, now, max);
        List<Delivery> claimed = new ArrayList<>(due.size());
        for (long id : due) {
            int won = jdbc.update("UPDATE webhook_deliveries SET claimed_until = ?, claimed_by = ? WHERE delivery_id = ?"
                    + " AND status = ? AND (claimed_until IS NULL OR claimed_until < ?)", now + claimMillis, claimant, id, PENDING, now);
            if (won == 1) {
                jdbc.query("SELECT d.delivery_id, d.endpoint_id, d.attempts, e.event_id, e.type, e.payload FROM webhook_deliveries d"
                        + " JOIN events e ON e.seq = d.event_seq WHERE d.delivery_id = ?", (ResultSet rs, int n) ->
                        claimed.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(4), rs.getString(5), rs.getInt(3),
                                rs.getString(6))), id);
            }
        }
        return claimed;
    }

    /**
     * Records an attempt and moves the delivery on: delivered, retried later, or failed. One
     * transaction: a crash in between would otherwise leave an attempt on record that the delivery
     * does not count (attempt_count one short of its attempts, and the attempt's 200 not taken into
     * account).
     */
    Result record(Delivery d, Outcome outcome, long attemptedAt) {
        return tx.execute(status -> recordInTransaction(d, outcome, attemptedAt));
    }

    private Result recordInTransaction(Delivery d, Outcome outcome, long attemptedAt) {
        long now = clock.millis();
        jdbc.update("INSERT INTO webhook_attempts (delivery_id, attempted_at, duration_ms, http_status, error) VALUES (?, ?, ?, ?, ?)",
                d.id(), attemptedAt, (int) Math.min(Integer.MAX_VALUE, outcome.durationMillis()), outcome.httpStatus(),
                truncate(outcome.error()));
        int attempts = d.attempts() + 1;
        if (outcome.delivered()) {
            finish(d.id(), DELIVERED, attempts, outcome, now);
            return Result.DELIVERED;
        }
        if (outcome.gone()) {
            endpoints.disable(d.endpointId(), "answered 410 Gone at " + Instant.ofEpochMilli(now));
            finish(d.id(), FAILED, attempts, outcome, now);
            return Result.GONE;
        }
        OptionalLong wait = schedule.waitAfter(attempts);
        if (wait.isEmpty()) {
            finish(d.id(), FAILED, attempts, outcome, now);
            return Result.FAILED;
        }
        jdbc.update("UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, claimed_until = NULL, claimed_by = NULL,"
                + " last_http_status = ?, last_error = ?, updated_at = ? WHERE delivery_id = ?",
                PENDING, attempts, now + wait.getAsLong(), outcome.httpStatus(), truncate(outcome.error()), now, d.id());
        return Result.RETRY;
    }

    private void finish(long id, String status, int attempts, Outcome outcome, long now) {
        jdbc.update("UPDATE webhook_deliveries SET status = ?, attempts = ?, claimed_until = NULL, claimed_by = NULL, last_http_status = ?,"
                + " last_error = ?, updated_at = ? WHERE delivery_id = ?", status, attempts, outcome.httpStatus(),
                truncate(outcome.error()), now, id);
    }

    /** Gives a claimed delivery back untried (the server is stopping, or its endpoint went away). */
    void release(long deliveryId) {
        jdbc.update("UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL WHERE delivery_id = ?", deliveryId);
    }

    /**
     * Queues a delivery for an attempt now: a pending one is moved forward; a delivered or failed one
     * is attempted again and then follows the rest of the schedule, so a failed one (past the
     * schedule's last wait) gets one attempt and is failed again if that one fails. The attempt
     * count stays the number of attempts made. False when unknown.
     */
    boolean retryNow(String endpointId, long deliveryId) {
        long now = clock.millis();
        return jdbc.update("UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, updated_at = ?"
                + " WHERE delivery_id = ? AND endpoint_id = ?", PENDING, now, now, deliveryId, endpointId) == 1;
    }

    Optional<Long> deliveryOf(long eventSeq, String endpointId) {
        return jdbc.query("SELECT delivery_id FROM webhook_deliveries WHERE event_seq = ? AND endpoint_id = ?",
                (rs, n) -> rs.getLong(1), eventSeq, endpointId).stream().findFirst();
    }

    /** Deliveries of an endpoint, newest first, each with its attempts (oldest first). */
    List<Map<String, Object>> deliveries(String endpointId, String status, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT d.delivery_id, d.status, d.attempts, d.next_attempt_at, d.last_http_status,"
                + " d.last_error, d.created_at, d.updated_at, e.event_id, e.type FROM webhook_deliveries d JOIN events e"
                + " ON e.seq = d.event_seq WHERE d.endpoint_id = ?");
        List<Object> args = new ArrayList<>(List.of(endpointId));
        if (status != null) {
            sql.append(" AND d.status = ?");
            args.add(status);
        }
        if (beforeId != null) {
            sql.append(" AND d.delivery_id < ?");
            args.add(beforeId);
        }
        sql.append(" ORDER BY d.delivery_id DESC LIMIT ?");
        args.add(limit);
        List<Map<String, Object>> out = jdbc.query(sql.toString(), (rs, n) -> delivery(rs), args.toArray());
        for (Map<String, Object> d : out) {
            d.put("attempts", jdbc.query("SELECT attempted_at, duration_ms, http_status, error FROM webhook_attempts"
                    + " WHERE delivery_id = ? ORDER BY attempt_id", (rs, n) -> attempt(rs), d.get("id")));
        }
        return out;
    }

    private static Map<String, Object> delivery(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rs.getLong("delivery_id"));
        m.put("event_id", rs.getString("event_id"));
        m.put("event_type", rs.getString("type"));
        String status = rs.getString("status");
        m.put("status", status);
        m.put("attempt_count", rs.getInt("attempts"));
        m.put("next_attempt_at", PENDING.equals(status) ? Instant.ofEpochMilli(rs.getLong("next_attempt_at")).toString() : null);
        int http = rs.getInt("last_http_status");
        m.put("last_http_status", rs.wasNull() ? null : http);
        m.put("last_error", rs.getString("last_error"));
        m.put("created_at", Instant.ofEpochMilli(rs.getLong("created_at")).toString());
        m.put("updated_at", Instant.ofEpochMilli(rs.getLong("updated_at")).toString());
        return m;
    }

    private static Map<String, Object> attempt(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempted_at", Instant.ofEpochMilli(rs.getLong("attempted_at")).toString());
        m.put("duration_ms", rs.getInt("duration_ms"));
        int http = rs.getInt("http_status");
        m.put("http_status", rs.wasNull() ? null : http);
        m.put("error", rs.getString("error"));
        return m;
    }

    long pendingCount() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM webhook_deliveries WHERE status = ?", Long.class, PENDING);
        return n == null ? 0 : n;
    }

    double oldestPendingSeconds() {
        Long oldest = jdbc.queryForObject("SELECT MIN(created_at) FROM webhook_deliveries WHERE status = ?", Long.class, PENDING);
        return oldest == null ? 0 : Math.max(0, (clock.millis() - oldest) / 1000.0);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
