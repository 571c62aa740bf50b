package io.lenswire.analytics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraDirectory;
import io.lenswire.camera.CameraLifecycleListener;
import io.lenswire.events.EventType;
import io.lenswire.events.EventsProperties;
import io.lenswire.events.NewEvent;

/**
 * Turns analysed frames ({@link FaceEvent}s from {@code seda:face-events}) into alerts, without
 * flooding: a person gets a {@code face.recognized} on a camera only when that camera has not seen
 * them for the cooldown (one alert per visit, however long it lasts; a person who left and comes
 * back after the cooldown is a new visit). With {@code unknown-enabled}, a face that stays unnamed
 * for a whole decision window gives a {@code face.unknown}, at most one per camera per its
 * cooldown.
 *
 * <p>Thread-safety: one caller at a time (the {@code events-faces} route's single consumer);
 * synchronized anyway, since the state is small and the rate low.
 */
@Component("faceAlerts")
public class FaceAlerts implements CameraLifecycleListener {

    /** Beyond this many (camera, person) entries the ones not seen for a cooldown are forgotten. */
    static final int MAX_TRACKED = 10_000;

    private record Key(String cameraId, long personId) {
    }

    private final EventsProperties settings;
    private final CameraDirectory cameras;
    private final Clock clock;
    private final Map<Key, Instant> lastSeen = new HashMap<>();
    private final Map<String, Instant> lastUnknownAlert = new HashMap<>();

    public FaceAlerts(EventsProperties settings, CameraDirectory cameras, Clock clock) {
        this.settings = settings;
        this.cameras = cameras;
        this.clock = clock;
    }

    /** Route step: the alerts one analysed frame gives, usually none. */
    public synchronized List<NewEvent> alerts(FaceEvent frame) {
        Instant at = parse(frame.timestamp());
        List<NewEvent> out = new ArrayList<>();
        boolean unknownAlerted = false;
        for (FaceEvent.Face face : frame.faces()) {
            if (face.personId() != null) {
                Instant previous = lastSeen.put(new Key(frame.cameraId(), face.personId()), at);
                boolean newVisit = previous == null || !at.isBefore(previous.plus(settings.getRecognizedCooldown()));
                if (newVisit && out.stream().noneMatch(e -> face.personId().equals(e.personId()))) {
                    out.add(event(EventType.FACE_RECOGNIZED, frame, face, at));
                }
            } else if (settings.isUnknownEnabled() && face.settled() && !unknownAlerted) {
                Instant previous = lastUnknownAlert.get(frame.cameraId());
                if (previous == null || !at.isBefore(previous.plus(settings.getUnknownCooldown()))) {
                    lastUnknownAlert.put(frame.cameraId(), at);
                    out.add(event(EventType.FACE_UNKNOWN, frame, face, at));
                    unknownAlerted = true;
                }
            }
        }
        if (lastSeen.size() > MAX_TRACKED) {
            Instant horizon = at.minus(settings.getRecognizedCooldown());
            lastSeen.values().removeIf(seen -> seen.isBefore(horizon));
        }
        return out;
    }

    /** A camera went away: its visits end with it. */
    @Override
    public synchronized void cameraRemoving(String cameraId) {
        lastSeen.keySet().removeIf(k -> k.cameraId().equals(cameraId));
        lastUnknownAlert.remove(cameraId);
    }

    private NewEvent event(EventType type, FaceEvent frame, FaceEvent.Face face, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("camera_id", frame.cameraId());
        data.put("camera_name", cameras.find(frame.cameraId()).map(Camera::name).orElse(frame.cameraId()));
        data.put("person_id", face.personId());
        data.put("name", face.name());
        data.put("similarity", face.similarity());
        data.put("bbox", face.bbox());
        data.put("captured_at", at.toString());
        return new NewEvent(type, frame.cameraId(), face.personId(), at, data, face.faceJpeg(), face.frameJpeg(), null);
    }

    private Instant parse(String timestamp) {
        try {
            return Instant.parse(timestamp);
        } catch (RuntimeException e) {
            return clock.instant();
        }
    }
}
