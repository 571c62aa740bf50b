package io.lenswire.camera;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.IngestLimits;

/**
 * Adds and removes cameras: directory, database and placement kept in step. The placement runs a
 * known camera here ({@link LocalPlacement}) or lets the cluster pick the one node that runs it.
 */
@Service
public class CameraService {

    private static final Logger LOG = LoggerFactory.getLogger(CameraService.class);

    private final CameraDirectory directory;
    private final CameraRepository repository;
    private final CameraPlacement placement;
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
    /**
     * Stored cameras whose URL this data key cannot open (the repository has logged them): written
     * by startConfigured before startedAll, then only under this lock.
     */
    private Set<String> unopened = Set.of();

    public CameraService(CameraDirectory directory, CameraRepository repository, CameraPlacement placement,
                         LenswireProperties properties, List<CameraLifecycleListener> listeners, IngestLimits limits) {
        this.listeners = listeners;
        this.limits = limits;
        this.directory = directory;
        this.repository = repository;
        this.placement = placement;
        this.properties = properties;
    }

    /** Cameras from the configuration file, then those added over REST before the last stop. */
    public void startConfigured() {
        for (LenswireProperties.CameraConfig c : properties.getCameras()) {
            String name = c.getName() == null || c.getName().isBlank() ? c.getId() : c.getName();
            start(new Camera(c.getId(), name, c.getUrl(), c.isAnalytics(), Camera.Origin.CONFIG, c.isTlsVerify()));
        }
        Set<String> opened = new HashSet<>();
        for (Camera camera : repository.findAll()) {
            opened.add(camera.id());
            start(camera);
        }
        Set<String> stored = repository.ids();
        stored.removeAll(opened);
        unopened = stored;
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
        LOG.info("camera {} added ({})", camera.id(), camera.maskedUrl());
        placement.place(camera);
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
    public synchronized boolean remove(String cameraId) {
        if (!forget(cameraId)) {
            return false;
        }
        repository.delete(cameraId);
        return true;
    }

    /**
     * Another node added or removed cameras in the shared database: the stored cameras this node
     * does not know yet are added, and those it knows but the database no longer holds are
     * forgotten (stopped where they run). Configured cameras are every node's and stay.
     */
    public synchronized void syncStored() {
        if (!startedAll) {
            return;
        }
        // the ids only, each heartbeat: rows are read (and their URLs decrypted) only when one is new,
        // and a row this data key cannot open is reported once, not at every heartbeat
        Set<String> storedIds = repository.ids();
        boolean added = storedIds.stream().anyMatch(id -> directory.find(id).isEmpty() && !unopened.contains(id));
        if (added) {
            Set<String> opened = new HashSet<>();
            for (Camera camera : repository.findAll()) {
                opened.add(camera.id());
                if (directory.find(camera.id()).isEmpty()) {
                    start(camera);
                }
            }
            unopened = new HashSet<>(storedIds);
            unopened.removeAll(opened);
        }
        for (Camera known : directory.all()) {
            if (known.origin() == Camera.Origin.API && !storedIds.contains(known.id())) {
                forget(known.id());
            }
        }
    }

    private boolean forget(String cameraId) {
        if (directory.find(cameraId).isEmpty()) {
            return false;
        }
        listeners.forEach(l -> l.cameraRemoving(cameraId));
        placement.displace(cameraId);
        directory.remove(cameraId);
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
