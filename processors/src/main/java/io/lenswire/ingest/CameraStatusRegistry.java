package io.lenswire.ingest;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

/** The live status of every camera that has a route, by camera id. */
@Component
public class CameraStatusRegistry {

    private final ConcurrentMap<String, CameraStatus> statuses = new ConcurrentHashMap<>();

    public CameraStatus register(String cameraId) {
        return statuses.computeIfAbsent(cameraId, CameraStatus::new);
    }

    public Optional<CameraStatus> find(String cameraId) {
        return Optional.ofNullable(statuses.get(cameraId));
    }

    public Collection<CameraStatus> all() {
        return statuses.values();
    }

    public void remove(String cameraId) {
        statuses.remove(cameraId);
    }
}
