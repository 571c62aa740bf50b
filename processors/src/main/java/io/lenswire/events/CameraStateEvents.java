package io.lenswire.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraDirectory;
import io.lenswire.ingest.CameraState;
import io.lenswire.ingest.CameraStatus;
import io.lenswire.ingest.CameraStatusRegistry;

/**
 * {@code camera.offline} when a camera has been RECONNECTING or FAILED for longer than the grace,
 * and {@code camera.online} when such a camera streams again. Looks at every camera's state each
 * time the {@code events-camera-state} route's timer fires (once a second), so a drop shorter than
 * the grace says nothing.
 *
 * <p>Thread-safety: called by that one timer route; synchronized anyway.
 */
@Component("cameraStateEvents")
public class CameraStateEvents {

    private static final class Down {
        final Instant since;
        boolean announced;

        Down(Instant since) {
            this.since = since;
        }
    }

    private final CameraStatusRegistry statuses;
    private final CameraDirectory cameras;
    private final Duration grace;
    private final Clock clock;
    private final Map<String, Down> down = new HashMap<>();

    public CameraStateEvents(CameraStatusRegistry statuses, CameraDirectory cameras, EventsProperties settings, Clock clock) {
        this.statuses = statuses;
        this.cameras = cameras;
        this.grace = settings.getCameraOfflineGrace();
        this.clock = clock;
    }

    /** Route step: the camera events since the last look. */
    public synchronized List<NewEvent> changes() {
        Instant now = clock.instant();
        List<NewEvent> out = new ArrayList<>();
        Set<String> present = statuses.all().stream().map(CameraStatus::cameraId).collect(Collectors.toSet());
        down.keySet().retainAll(present);
        for (CameraStatus status : statuses.all()) {
            String id = status.cameraId();
            CameraState state = status.state();
            if (state == CameraState.RECONNECTING || state == CameraState.FAILED) {
                Down d = down.computeIfAbsent(id, k -> new Down(now));
                if (!d.announced && !now.isBefore(d.since.plus(grace))) {
                    d.announced = true;
                    Map<String, Object> data = base(id);
                    data.put("state", state.name());
                    data.put("last_error", status.lastError());
                    data.put("offline_since", d.since.toString());
                    out.add(NewEvent.of(EventType.CAMERA_OFFLINE, id, null, now, data));
                }
            } else if (state == CameraState.STREAMING) {
                Down d = down.remove(id);
                if (d != null && d.announced) {
                    Map<String, Object> data = base(id);
                    data.put("offline_since", d.since.toString());
                    data.put("offline_seconds", Duration.between(d.since, now).toSeconds());
                    out.add(NewEvent.of(EventType.CAMERA_ONLINE, id, null, now, data));
                }
            }
        }
        return out;
    }

    private Map<String, Object> base(String cameraId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("camera_id", cameraId);
        data.put("camera_name", cameras.find(cameraId).map(Camera::name).orElse(cameraId));
        return data;
    }
}
