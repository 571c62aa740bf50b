package io.lenswire.camera;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.lenswire.ingest.CameraPipelines;
import io.lenswire.ingest.CameraStatusRegistry;

/**
 * Runs and halts a camera's pipeline on this node, with what lives only while it runs here: its
 * status, its metrics and the branches that {@link CameraLifecycleListener}s open. A camera that
 * halts (removed, or taken over by another node) keeps its sessions; only removal ends them.
 *
 * <p>Thread-safety: run and halt of one camera are serialised by the caller (CameraService's lock
 * on a single node, the cluster placement's one worker thread in a cluster).
 */
@Component
public class CameraRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CameraRunner.class);

    private final CameraPipelines pipelines;
    private final CameraStatusRegistry statuses;
    private final CameraMetrics metrics;
    private final List<CameraLifecycleListener> listeners;

    public CameraRunner(CameraPipelines pipelines, CameraStatusRegistry statuses, CameraMetrics metrics,
                        List<CameraLifecycleListener> listeners) {
        this.pipelines = pipelines;
        this.statuses = statuses;
        this.metrics = metrics;
        this.listeners = listeners;
    }

    public boolean runs(String cameraId) {
        return pipelines.find(cameraId).isPresent();
    }

    /** Starts reading the camera here, then the listeners' branches; false when it runs already. */
    public boolean run(Camera camera) {
        if (runs(camera.id())) {
            return false;
        }
        statuses.register(camera.id());
        metrics.register(camera.id());
        pipelines.start(camera.id(), CameraDirectory.isFiniteSource(camera));
        for (CameraLifecycleListener l : listeners) {
            try {
                l.cameraStarted(camera);
            } catch (RuntimeException e) {
                // a branch that cannot start must not take the camera (or the other branches) down
                LOG.error("camera {}: {} failed to start: {}", camera.id(), l.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
        return true;
    }

    /** Closes the listeners' branches, then the pipeline, status and metrics; false when it did not run here. */
    public boolean halt(String cameraId) {
        if (!runs(cameraId)) {
            return false;
        }
        for (CameraLifecycleListener l : listeners) {
            try {
                l.cameraStopping(cameraId);
            } catch (RuntimeException e) {
                LOG.error("camera {}: {} failed to stop: {}", cameraId, l.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
        pipelines.stop(cameraId);
        metrics.unregister(cameraId);
        statuses.remove(cameraId);
        return true;
    }
}
