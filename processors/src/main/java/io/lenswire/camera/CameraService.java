package io.lenswire.camera;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.CameraPipelines;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.ingest.IngestLimits;

/** Adds and removes cameras: directory, database, pipelines (Camel routes) and metrics, kept in step. */
@Service
public class CameraService {

    private static final Logger LOG = LoggerFactory.getLogger(CameraService.class);

    private final CameraDirectory directory;
    private final CameraRepository repository;
    private final CameraPipelines pipelines;
    private final CameraStatusRegistry statuses;
    private final CameraMetrics metrics;
    private final LenswireProperties properties;
    private final List<CameraLifecycleListener> listeners;
    private final IngestLimits limits;

    /** Adding a camera would pass {@code lenswire.ingest.max-cameras}. */
    public static final class LimitReached extends RuntimeException {
        LimitReached(String message) {
            super(message, null, false, false);
        }
    }

    private volatile boolean startedAll;

    public CameraService(CameraDirectory directory, CameraRepository repository, CameraPipelines pipelines,
                         CameraStatusRegistry statuses, CameraMetrics metrics, LenswireProperties properties,
                         List<CameraLifecycleListener> listeners, IngestLimits limits) {
        this.listeners = listeners;
        this.limits = limits;
        this.directory = directory;
        this.repository = repository;
        this.pipelines = pipelines;
        this.statuses = statuses;
        this.metrics = metrics;
        this.properties = properties;
    }

    /** Cameras from the configuration file, then those added over REST before the last stop. */
    public void startConfigured() {
        for (LenswireProperties.CameraConfig c : properties.getCameras()) {
            String name = c.getName() == null || c.getName().isBlank() ? c.getId() : c.getName();
            start(new Camera(c.getId(), name, c.getUrl(), c.isAnalytics(), Camera.Origin.CONFIG, c.isTlsVerify()));
        }
        for (Camera camera : repository.findAll()) {
            start(camera);
        }
        startedAll = true;
    }

    /**
     * False until {@link #startConfigured} has started every stored camera: HTTP answers before
     * that (the routes start first), and a camera list taken then would miss stored cameras.
     */
    public boolean startedAll() {
        return startedAll;
    }

    private boolean start(Camera camera) {
        if (!directory.putIfAbsent(camera)) {
            LOG.warn("camera {} is defined twice; keeping the first", camera.id());
            return false;
        }
        statuses.register(camera.id());
        metrics.register(camera.id());
        pipelines.start(camera.id(), CameraDirectory.isFiniteSource(camera));
        LOG.info("camera {} added ({})", camera.id(), camera.maskedUrl());
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

    /**
     * Adds and persists a camera; false when the id is taken, also by an id that differs only in
     * case (two such cameras would share HLS directories on a case-insensitive file system and
     * confuse every reader). {@link LimitReached} when there are max-cameras already.
     */
    public synchronized boolean add(Camera camera) {
        // the table too: a stored camera whose URL the data key cannot open is not in the directory
        if (directory.findIgnoringCase(camera.id()).isPresent() || repository.exists(camera.id())) {
            return false;
        }
        if (directory.size() >= limits.getMaxCameras()) {
            throw new LimitReached("at most " + limits.getMaxCameras() + " cameras (lenswire.ingest.max-cameras); remove one first");
        }
        repository.insert(camera);
        return start(camera);
    }

    /** Removes a camera and frees everything it held; false when unknown. */
    public synchronized boolean remove(String cameraId) throws Exception {
        Optional<Camera> camera = directory.find(cameraId);
        if (camera.isEmpty()) {
            return false;
        }
        listeners.forEach(l -> l.cameraRemoving(cameraId));
        pipelines.stop(cameraId);
        directory.remove(cameraId);
        repository.delete(cameraId);
        metrics.unregister(cameraId);
        statuses.remove(cameraId);
        LOG.info("camera {} removed", cameraId);
        return true;
    }

    public List<Camera> all() {
        return directory.all();
    }

    public Optional<Camera> find(String cameraId) {
        return directory.find(cameraId);
    }
}
