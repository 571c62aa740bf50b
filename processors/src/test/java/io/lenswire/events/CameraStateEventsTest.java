package io.lenswire.events;

import io.lenswire.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lenswire.camera.CameraDirectory;
import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.CameraState;
import io.lenswire.ingest.CameraStatus;
import io.lenswire.ingest.CameraStatusRegistry;

class CameraStateEventsTest {

    /** CameraStatus moves state through package-private methods of ingest; reach them as the consumer would. */
    private static void set(CameraStatus status, CameraState state) throws Exception {
        if (state == CameraState.STREAMING) {
            Method m = CameraStatus.class.getDeclaredMethod("streaming", io.lenswire.ingest.StreamInfo.class, long.class);
            m.setAccessible(true);
            m.invoke(status, null, System.nanoTime());
        } else {
            Method m = CameraStatus.class.getDeclaredMethod("lost", String.class, CameraState.class);
            m.setAccessible(true);
            m.invoke(status, "connection refused", state);
        }
    }

    @Test
    void offlineAfterTheGraceOnceThenOnlineWhenBack() throws Exception {
        CameraStatusRegistry registry = new CameraStatusRegistry();
        CameraStatus door = registry.register("door");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        EventsProperties p = new EventsProperties();
        p.setCameraOfflineGrace(Duration.ofSeconds(10));
        CameraStateEvents events = new CameraStateEvents(registry, new CameraDirectory(new LenswireProperties()), p, clock);

        set(door, CameraState.STREAMING);
        assertThat(events.changes()).isEmpty();
        set(door, CameraState.RECONNECTING);
        assertThat(events.changes()).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(events.changes()).as("within the grace").isEmpty();
        set(door, CameraState.FAILED);
        clock.advance(Duration.ofSeconds(6));
        List<NewEvent> offline = events.changes();
        assertThat(offline).hasSize(1);
        assertThat(offline.get(0).type()).isEqualTo(EventType.CAMERA_OFFLINE);
        assertThat(offline.get(0).data()).containsEntry("state", "FAILED").containsEntry("last_error", "connection refused");
        clock.advance(Duration.ofSeconds(60));
        assertThat(events.changes()).as("said once").isEmpty();
        set(door, CameraState.STREAMING);
        List<NewEvent> online = events.changes();
        assertThat(online).hasSize(1);
        assertThat(online.get(0).type()).isEqualTo(EventType.CAMERA_ONLINE);
        assertThat(online.get(0).data()).containsEntry("offline_seconds", 71L);
    }

    @Test
    void aShortDropSaysNothing() throws Exception {
        CameraStatusRegistry registry = new CameraStatusRegistry();
        CameraStatus door = registry.register("door");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        CameraStateEvents events = new CameraStateEvents(registry, new CameraDirectory(new LenswireProperties()), new EventsProperties(), clock);
        set(door, CameraState.RECONNECTING);
        assertThat(events.changes()).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        set(door, CameraState.STREAMING);
        assertThat(events.changes()).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(events.changes()).isEmpty();
    }
}
