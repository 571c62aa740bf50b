package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lenswire.camera.CameraDirectory;
import io.lenswire.config.LenswireProperties;
import io.lenswire.events.EventType;
import io.lenswire.events.EventsProperties;
import io.lenswire.events.NewEvent;

class FaceAlertsTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private static FaceAlerts alerts(boolean unknown) {
        EventsProperties p = new EventsProperties();
        p.setRecognizedCooldown(Duration.ofSeconds(30));
        p.setUnknownEnabled(unknown);
        p.setUnknownCooldown(Duration.ofSeconds(60));
        return new FaceAlerts(p, new CameraDirectory(new LenswireProperties()), Clock.fixed(T0, ZoneOffset.UTC));
    }

    private static FaceEvent frame(String camera, double secondsAfter, FaceEvent.Face... faces) {
        return new FaceEvent(camera, T0.plusMillis((long) (secondsAfter * 1000)).toString(), List.of(faces));
    }

    private static FaceEvent.Face named(long id) {
        return new FaceEvent.Face(new int[] {1, 2, 3, 4}, 0.9, id, "P" + id, 0.9, true, new byte[] {2}, new byte[] {1});
    }

    private static FaceEvent.Face unknown(boolean settled) {
        return new FaceEvent.Face(new int[] {1, 2, 3, 4}, 0.9, null, null, 0.1, settled, settled ? new byte[] {2} : null, settled ? new byte[] {1} : null);
    }

    @Test
    void aPersonStandingInViewIsOneAlertHoweverLongTheyStay() {
        FaceAlerts a = alerts(false);
        List<NewEvent> out = new ArrayList<>();
        for (int s = 0; s < 300; s++) { // five minutes, a frame a second
            out.addAll(a.alerts(frame("door", s, named(7))));
        }
        assertThat(out).hasSize(1);
        NewEvent e = out.get(0);
        assertThat(e.type()).isEqualTo(EventType.FACE_RECOGNIZED);
        assertThat(e.personId()).isEqualTo(7L);
        assertThat(e.data()).containsEntry("name", "P7").containsEntry("camera_id", "door").containsKey("captured_at");
        assertThat(e.faceJpeg()).isNotNull();
        assertThat(e.frameJpeg()).isNotNull();
    }

    @Test
    void comingBackAfterTheCooldownIsANewVisitWithinItIsNot() {
        FaceAlerts a = alerts(false);
        assertThat(a.alerts(frame("door", 0, named(7)))).hasSize(1);
        assertThat(a.alerts(frame("door", 20, named(7)))).as("back after 20 s: same visit").isEmpty();
        assertThat(a.alerts(frame("door", 49, named(7)))).as("29 s after last seen").isEmpty();
        assertThat(a.alerts(frame("door", 80, named(7)))).as("31 s after last seen: new visit").hasSize(1);
    }

    @Test
    void cooldownIsPerCameraAndPerson() {
        FaceAlerts a = alerts(false);
        assertThat(a.alerts(frame("door", 0, named(7), named(8)))).hasSize(2);
        assertThat(a.alerts(frame("yard", 1, named(7)))).hasSize(1);
        assertThat(a.alerts(frame("door", 2, named(7), named(8)))).isEmpty();
    }

    @Test
    void unknownFacesAlertOnlyWhenEnabledSettledAndOutOfCooldown() {
        assertThat(alerts(false).alerts(frame("door", 0, unknown(true)))).isEmpty();
        FaceAlerts a = alerts(true);
        assertThat(a.alerts(frame("door", 0, unknown(false)))).as("not decided yet").isEmpty();
        List<NewEvent> first = a.alerts(frame("door", 1, unknown(true), unknown(true)));
        assertThat(first).hasSize(1);
        assertThat(first.get(0).type()).isEqualTo(EventType.FACE_UNKNOWN);
        assertThat(a.alerts(frame("door", 30, unknown(true)))).isEmpty();
        assertThat(a.alerts(frame("yard", 30, unknown(true)))).hasSize(1);
        assertThat(a.alerts(frame("door", 62, unknown(true)))).hasSize(1);
    }

    @Test
    void aRemovedCameraForgetsItsVisits() {
        FaceAlerts a = alerts(false);
        assertThat(a.alerts(frame("door", 0, named(7)))).hasSize(1);
        a.cameraRemoving("door");
        assertThat(a.alerts(frame("door", 5, named(7)))).hasSize(1);
    }
}
