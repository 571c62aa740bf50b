package io.lenswire.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Live streams in a cluster follow the shared store in sequence order, waiting a while at a gap. */
class ClusterEventTailTest {

    private final List<Long> streamed = new CopyOnWriteArrayList<>();

    @Test
    void eventsReachTheStreamsInStoreOrderAndAGapIsWaitedForThenPassed() throws Exception {
        DataSource ds = TestDatabases.h2();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        EventsProperties settings = new EventsProperties();
        EventStore store = new EventStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), new ObjectMapper(),
                settings, List.of(), new StaticListableBeanFactory().getBeanProvider(EventListener.class), new SimpleMeterRegistry(),
                Clock.systemUTC());
        EventHub hub = new EventHub(store, settings, new SimpleMeterRegistry());
        try {
            ClusterEventTail tail = new ClusterEventTail(store, hub, false);
            hub.open(0, new EventHub.Sink() {
                @Override
                public void event(StoredEvent event) {
                    streamed.add(event.seq());
                }

                @Override
                public void heartbeat() {
                }

                @Override
                public void close() {
                }
            });
            // the stream's replay from the store runs on its own thread; what it reads is not the tail's to order
            long replayDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!hub.allReplayed() && System.nanoTime() < replayDeadline) {
                Thread.sleep(10);
            }
            assertThat(hub.allReplayed()).isTrue();
            StoredEvent first = store.store(event("a"));
            // this node's own commit does not reach the streams directly: only the tail's order counts
            hub.committed(first);
            StoredEvent second = store.store(event("b"));
            StoredEvent third = store.store(event("c"));
            // the second is not visible (yet, or ever): its sequence number is a gap
            jdbc.update("DELETE FROM events WHERE seq = ?", second.seq());

            long t0 = System.nanoTime();
            tail.poll(t0);
            awaitStreamed(List.of(first.seq()));
            tail.poll(t0 + Duration.ofSeconds(1).toNanos());
            Thread.sleep(200);
            assertThat(streamed).as("the gap is waited for").containsExactly(first.seq());
            tail.poll(t0 + ClusterEventTail.GAP_WAIT.plusMillis(100).toNanos());
            awaitStreamed(List.of(first.seq(), third.seq()));
            StoredEvent fourth = store.store(event("d"));
            tail.poll(t0 + ClusterEventTail.GAP_WAIT.plusMillis(200).toNanos());
            awaitStreamed(List.of(first.seq(), third.seq(), fourth.seq()));
            tail.destroy();
        } finally {
            hub.destroy();
        }
    }

    private void awaitStreamed(List<Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!streamed.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(streamed).isEqualTo(expected);
    }

    private static NewEvent event(String camera) {
        return NewEvent.of(EventType.CAMERA_OFFLINE, camera, null, Instant.now(), Map.of("camera_id", camera));
    }
}
