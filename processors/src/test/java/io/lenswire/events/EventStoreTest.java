package io.lenswire.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The store on a real database with the real migrations: H2 in memory here, PostgreSQL in PostgresEventStoreTest. */
class EventStoreTest {

    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private final List<StoredEvent> told = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final EventsProperties settings = new EventsProperties();

    /** A fresh database with the schema; {@code Postgres} + this class's name runs every test on PostgreSQL. */
    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void database() {
        DataSource ds = newDatabase();
        jdbc = new JdbcTemplate(ds);
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    }

    private EventStore store(EventStoreHook hook, Clock clock) {
        StaticListableBeanFactory listeners = new StaticListableBeanFactory();
        listeners.addBean("told", (EventListener) told::add);
        return new EventStore(jdbc, tx, json, settings, hook == null ? List.of() : List.of(hook),
                listeners.getBeanProvider(EventListener.class), new SimpleMeterRegistry(), clock);
    }

    private static NewEvent offline(String camera) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("camera_id", camera);
        return NewEvent.of(EventType.CAMERA_OFFLINE, camera, null, Instant.now(), data);
    }

    @Test
    void storesPayloadAndSnapshotsAndTellsListenersAfterCommit() throws Exception {
        EventStore store = store(null, Clock.systemUTC());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("camera_id", "door");
        data.put("person_id", 7L);
        data.put("name", "Ada");
        StoredEvent e = store.store(new NewEvent(EventType.FACE_RECOGNIZED, "door", 7L, Instant.now(), data, new byte[] {1, 2},
                new byte[] {3}, null));
        assertThat(told).containsExactly(e);
        JsonNode node = json.readTree(e.json());
        assertThat(node.path("event_id").asText()).isEqualTo(e.eventId()).matches(EventsApi.EVENT_ID);
        assertThat(node.path("type").asText()).isEqualTo("face.recognized");
        assertThat(node.path("data").path("event_id").asText()).isEqualTo(e.eventId());
        assertThat(node.path("data").path("snapshot_url").asText()).isEqualTo("/api/events/" + e.eventId() + "/snapshot.jpg");
        assertThat(json.readTree(store.payload(e.seq()).orElseThrow()).has("event_id")).as("the webhook body has no top-level id").isFalse();
        assertThat(store.snapshot(e.eventId(), EventStore.KIND_FACE)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
        assertThat(store.snapshot(e.eventId(), EventStore.KIND_FRAME)).hasValueSatisfying(b -> assertThat(b).containsExactly(3));
        assertThat(store.find(e.eventId())).contains(e);
    }

    @Test
    void aFailingHookRollsTheEventBackAndNobodyIsTold() {
        EventStore store = store((event, only) -> {
            throw new IllegalStateException("outbox down");
        }, Clock.systemUTC());
        assertThatThrownBy(() -> store.store(offline("door"))).hasMessageContaining("outbox down");
        assertThat(store.count()).isZero();
        assertThat(told).isEmpty();
    }

    @Test
    void pagesNewestFirstWithFiltersAndACursor() {
        EventStore store = store(null, Clock.systemUTC());
        List<StoredEvent> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(store.store(offline(i % 2 == 0 ? "door" : "yard")));
        }
        EventStore.Page first = store.list(new EventStore.Query(null, null, null, null, null, null, 3));
        assertThat(first.events()).extracting(StoredEvent::seq).containsExactly(all.get(6).seq(), all.get(5).seq(), all.get(4).seq());
        long before = EventCursor.decode(first.nextCursor()).orElseThrow();
        EventStore.Page second = store.list(new EventStore.Query(null, null, null, null, null, before, 3));
        assertThat(second.events()).extracting(StoredEvent::seq).containsExactly(all.get(3).seq(), all.get(2).seq(), all.get(1).seq());
        EventStore.Page last = store.list(new EventStore.Query(null, null, null, null, null, all.get(1).seq(), 3));
        assertThat(last.events()).hasSize(1);
        assertThat(last.nextCursor()).isNull();
        assertThat(store.list(new EventStore.Query("yard", null, null, null, null, null, 50)).events()).hasSize(3);
        assertThat(store.list(new EventStore.Query(null, "face.recognized", null, null, null, null, 50)).events()).isEmpty();
        assertThat(store.after(all.get(4).seq(), 10)).extracting(StoredEvent::seq).containsExactly(all.get(5).seq(), all.get(6).seq());
    }

    @Test
    void retentionDropsOldEventsAndTheOldestBeyondTheCountButNeverAPendingDelivery() {
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        Clock old = Clock.fixed(t0, ZoneOffset.UTC);
        jdbc.update("INSERT INTO webhook_endpoints (endpoint_id, url, description, event_types, enabled, origin, secret, created_at,"
                + " updated_at) VALUES ('ep', 'http://127.0.0.1/', '', 'camera.offline', TRUE, 'api', 'whsec_x', 0, 0)");
        EventStoreHook outbox = (event, only) -> {
            if (event.cameraId().equals("keep")) {
                jdbc.update("INSERT INTO webhook_deliveries (event_seq, endpoint_id, status, attempts, next_attempt_at, created_at,"
                        + " updated_at) VALUES (?, 'ep', 'pending', 0, 0, 0, 0)", event.seq());
            }
        };
        EventStore past = store(outbox, old);
        past.store(offline("a"));
        settings.setRetentionMaxAge(Duration.ofDays(7));
        settings.setRetentionMaxCount(2);
        EventStore now = store(outbox, Clock.fixed(t0.plus(Duration.ofDays(8)), ZoneOffset.UTC));
        StoredEvent keep = now.store(offline("keep"));
        now.store(offline("b"));
        now.store(offline("c"));
        StoredEvent d = now.store(offline("d"));
        assertThat(now.enforceRetention()).as("the 8-day-old one, then b and c beyond the count; keep has a pending delivery").isEqualTo(3);
        assertThat(now.list(new EventStore.Query(null, null, null, null, null, null, 50)).events())
                .extracting(StoredEvent::eventId).containsExactly(d.eventId(), keep.eventId());
    }
}
