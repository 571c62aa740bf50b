package io.lenswire.camera;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** A single node (no {@code lenswire.cluster.enabled}): every known camera runs here. */
@Component
@ConditionalOnProperty(prefix = "lenswire.cluster", name = "enabled", havingValue = "false", matchIfMissing = true)
public class LocalPlacement implements CameraPlacement {

    private final CameraRunner runner;

    public LocalPlacement(CameraRunner runner) {
        this.runner = runner;
    }

    @Override
    public void place(Camera camera) {
        runner.run(camera);
    }

    @Override
    public void displace(String cameraId) {
        runner.halt(cameraId);
    }
}
