package io.lenswire.events;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The event store (tables {@code events} and {@code event_snapshots}). {@link #store} writes an
 * event, its snapshots and, through the {@link EventStoreHook}s, its webhook outbox rows in one
 * transaction, and only then tells the {@link EventListener}s: nothing is delivered or streamed that
 * is not on disk.
 *
 * <p>Stores are serialized, so that commit order is {@code seq} order: a stream reader that has seen
 * event N has seen every event before it, which is what makes SSE resumption gap-free. Events are a
 * few per second at most, so one writer is no bottleneck.
 */
@Component
public class EventStore {

    public static final String KIND_FACE = "face";
    public static final String KIND_FRAME = "frame";

    /** A page of events, newest first, and the cursor of the next page (null on the last). */
    public record Page(List<StoredEvent> events, String nextCursor) {
    }

    /** Filters of {@link #list}; null fields do not filter. */
    public record Query(String cameraId, String type, Long personId, Instant since, Instant until, Long beforeSeq, int limit) {
    }

    private static final RowMapper<StoredEvent> ROW = EventStore::row;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final EventsProperties settings;
    private final List<EventStoreHook> hooks;
    /** Lazily: the stream hub reads from this store, and this store tells the hub. */
    private final ObjectProvider<EventListener> listeners;
    private final MeterRegistry meters;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock writer = new ReentrantLock();
    private final Counter deleted;

    public EventStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, EventsProperties settings,
                      List<EventStoreHook> hooks, ObjectProvider<EventListener> listeners, MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.settings = settings;
        this.hooks = hooks;
        this.listeners = listeners;
        this.meters = meters;
        this.clock = clock;
        this.deleted = Counter.builder("lenswire.events.deleted").description("Events deleted by retention").register(meters);
        Gauge.builder("lenswire.events.stored", this, EventStore::count).description("Events in the store").register(meters);
    }

    /** Stores the event with its snapshots and outbox rows in one transaction; then tells the listeners. */
    public StoredEvent store(NewEvent event) {
        writer.lock();
        try {
            StoredEvent stored = tx.execute(status -> insert(event));
            meters.counter("lenswire.events", "type", stored.type()).increment();
            listeners.orderedStream().forEach(l -> l.committed(stored));
            return stored;
        } finally {
            writer.unlock();
        }
    }

    private StoredEvent insert(NewEvent event) {
        String eventId = newEventId();
        long now = clock.millis();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_id", eventId);
        data.putAll(event.data());
        if (event.hasSnapshot()) {
            data.put("snapshot_url", snapshotUrl(eventId));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type().wireName());
        body.put("timestamp", Instant.ofEpochMilli(now).toString());
        body.put("data", data);
        String payload;
        try {
            payload = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data is not serializable", e);
        }
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO events (event_id, type, camera_id, person_id, occurred_at,"
                    + " created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)", new String[] {"seq"});
            ps.setString(1, eventId);
            ps.setString(2, event.type().wireName());
            ps.setString(3, event.cameraId());
            ps.setObject(4, event.personId());
            ps.setLong(5, event.occurredAt().toEpochMilli());
            ps.setLong(6, now);
            ps.setString(7, payload);
            return ps;
        }, keys);
        long seq = keys.getKey().longValue();
        insertSnapshot(seq, KIND_FACE, event.faceJpeg());
        insertSnapshot(seq, KIND_FRAME, event.frameJpeg());
        StoredEvent stored = new StoredEvent(seq, eventId, event.type().wireName(), event.cameraId(), event.personId(), now,
                withId(eventId, payload));
        for (EventStoreHook h : hooks) {
            h.inTransaction(stored, event.onlyEndpoint());
        }
        return stored;
    }

    private void insertSnapshot(long seq, String kind, byte[] jpeg) {
        if (jpeg != null) {
            jdbc.update("INSERT INTO event_snapshots (seq, kind, jpeg) VALUES (?, ?, ?)", seq, kind, jpeg);
        }
    }

    private String snapshotUrl(String eventId) {
        String base = settings.getPublicBaseUrl() == null ? "" : settings.getPublicBaseUrl().replaceAll("/+$", "");
        return base + "/api/events/" + eventId + "/snapshot.jpg";
    }

    private String newEventId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "evt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored webhook body {type, timestamp, data} with the event id in front. */
    private static String withId(String eventId, String payload) {
        return "{\"event_id\":\"" + eventId + "\"," + payload.substring(1);
    }

    /** The webhook message body of an event: {type, timestamp, data}, the same bytes on every attempt. */
    public Optional<String> payload(long seq) {
        return jdbc.query("SELECT payload FROM events WHERE seq = ?", (rs, n) -> rs.getString(1), seq).stream().findFirst();
    }

    public Optional<StoredEvent> find(String eventId) {
        return jdbc.query("SELECT seq, event_id, type, camera_id, person_id, created_at, payload FROM events WHERE event_id = ?",
                ROW, eventId).stream().findFirst();
    }

    public Optional<byte[]> snapshot(String eventId, String kind) {
        return jdbc.query("SELECT s.jpeg FROM event_snapshots s JOIN events e ON e.seq = s.seq WHERE e.event_id = ? AND s.kind = ?",
                (rs, n) -> rs.getBytes(1), eventId, kind).stream().findFirst();
    }

    /** Events newest first, {@code limit} at most, with the cursor of the next page. */
    public Page list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT seq, event_id, type, camera_id, person_id, created_at, payload FROM events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, " AND camera_id = ?", q.cameraId());
        filter(sql, args, " AND type = ?", q.type());
        filter(sql, args, " AND person_id = ?", q.personId());
        filter(sql, args, " AND created_at >= ?", q.since() == null ? null : q.since().toEpochMilli());
        filter(sql, args, " AND created_at < ?", q.until() == null ? null : q.until().toEpochMilli());
        filter(sql, args, " AND seq < ?", q.beforeSeq());
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<StoredEvent> rows = jdbc.query(sql.toString(), ROW, args.toArray());
        if (rows.size() <= q.limit()) {
            return new Page(rows, null);
        }
        List<StoredEvent> page = rows.subList(0, q.limit());
        return new Page(List.copyOf(page), EventCursor.encode(page.get(page.size() - 1).seq()));
    }

    private static void filter(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
    }

    /** Events after {@code seq}, oldest first: what a reconnecting stream reader missed. */
    public List<StoredEvent> after(long seq, int limit) {
        return jdbc.query("SELECT seq, event_id, type, camera_id, person_id, created_at, payload FROM events WHERE seq > ?"
                + " ORDER BY seq LIMIT ?", ROW, seq, limit);
    }

    public Optional<Long> seqOf(String eventId) {
        return jdbc.query("SELECT seq FROM events WHERE event_id = ?", (rs, n) -> rs.getLong(1), eventId).stream().findFirst();
    }

    /** The newest event's seq, 0 when there is none. */
    public long lastSeq() {
        Long last = jdbc.queryForObject("SELECT MAX(seq) FROM events", Long.class);
        return last == null ? 0 : last;
    }

    public long count() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM events", Long.class);
        return n == null ? 0 : n;
    }

    /**
     * Deletes events older than the retention age, then the oldest beyond the retention count that
     * have no pending delivery (a pending delivery is never lost to retention); snapshots,
     * deliveries and attempts go with their event. Returns how many were deleted.
     */
    public int enforceRetention() {
        long cutoff = clock.millis() - settings.getRetentionMaxAge().toMillis();
        int n = jdbc.update("DELETE FROM events WHERE created_at < ?", cutoff);
        long excess = count() - settings.getRetentionMaxCount();
        if (excess > 0) {
            String deletable = " FROM events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = events.seq"
                    + " AND d.status = 'pending')";
            // the excess oldest that may go (fewer when pending deliveries hold the rest back)
            Long lastToGo = jdbc.queryForObject("SELECT MAX(seq) FROM (SELECT seq" + deletable + " ORDER BY seq LIMIT ?) oldest",
                    Long.class, excess);
            if (lastToGo != null) {
                n += jdbc.update("DELETE" + deletable + " AND seq <= ?", lastToGo);
            }
        }
        deleted.increment(n);
        return n;
    }

    private static StoredEvent row(ResultSet rs, int n) throws SQLException {
        long person = rs.getLong("person_id");
        Long personId = rs.wasNull() ? null : person;
        String eventId = rs.getString("event_id");
        return new StoredEvent(rs.getLong("seq"), eventId, rs.getString("type"), rs.getString("camera_id"), personId,
                rs.getLong("created_at"), withId(eventId, rs.getString("payload")));
    }
}
