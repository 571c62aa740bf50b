package io.lenswire.camera;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.CameraSourceResolver;
import io.lenswire.ingest.DemoClip;

/** The cameras that exist right now, in the order they were added. Knows nothing of Camel. */
@Component
public class CameraDirectory implements CameraSourceResolver {

    /** URL of the embedded demo camera: a clip the project makes itself, looped in real time. */
    public static final String DEMO_URL = "demo:";

    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private final LenswireProperties properties;

    public CameraDirectory(LenswireProperties properties) {
        this.properties = properties;
    }

    public synchronized boolean putIfAbsent(Camera camera) {
        return cameras.putIfAbsent(camera.id(), camera) == null;
    }

    public synchronized Optional<Camera> remove(String cameraId) {
        return Optional.ofNullable(cameras.remove(cameraId));
    }

    public synchronized Optional<Camera> find(String cameraId) {
        return Optional.ofNullable(cameras.get(cameraId));
    }

    /** A camera whose id equals this one but for case ("Door" for "door"). */
    public synchronized Optional<Camera> findIgnoringCase(String cameraId) {
        return cameras.values().stream().filter(c -> c.id().equalsIgnoreCase(cameraId)).findFirst();
    }

    public synchronized int size() {
        return cameras.size();
    }

    public synchronized List<Camera> all() {
        return new ArrayList<>(cameras.values());
    }

    @Override
    public boolean tlsVerify(String cameraId) {
        return find(cameraId).map(Camera::tlsVerify).orElse(true);
    }

    @Override
    public Optional<String> streamUrl(String cameraId) {
        return find(cameraId).map(camera -> {
            if (!DEMO_URL.equals(camera.url())) {
                return camera.url();
            }
            try {
                return DemoClip.ensure(properties.getDataDir()).toAbsolutePath().toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A file-like source (the demo clip) is looped and paced like a live camera. */
    public static boolean isFiniteSource(Camera camera) {
        return DEMO_URL.equals(camera.url());
    }
}
