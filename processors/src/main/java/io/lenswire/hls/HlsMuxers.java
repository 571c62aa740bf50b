package io.lenswire.hls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.lenswire.camera.CameraLifecycleListener;
import io.lenswire.camera.PlaybackStateView;
import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.BranchId;
import io.lenswire.ingest.CameraPipelines;
import io.lenswire.ingest.StreamInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * On-demand lifecycle of the per-camera HLS muxers: started by the first viewer as the HLS branch of
 * the camera's pipeline (the {@code camera-hls} route template), stopped (branch closed, which closes
 * the muxer on the branch's thread, then files deleted) when no live session and no request has been
 * seen for the idle timeout. One muxer per camera, whatever the number of viewers.
 */
@Component("hlsMuxers")
public class HlsMuxers implements CameraLifecycleListener, PlaybackStateView, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(HlsMuxers.class);
    private static final long SWEEP_SECONDS = 1;
    /** Longest wait for the muxer's route to finish the packet in hand when it stops. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final HlsProperties settings;
    private final LenswireProperties properties;
    private final ViewerPresence presence;
    private final CameraPipelines pipelines;
    private final Map<String, Slot> running = new ConcurrentHashMap<>();
    /**
     * One lock per camera for starting and stopping its muxer. A stop waits for Camel's graceful
     * stop of the route (up to the SEDA consumer's poll timeout); with a single lock for all
     * cameras, every other camera's playlist requests and session starts waited for it.
     */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hls-idle-sweeper");
        t.setDaemon(true);
        return t;
    });

    /** A running muxer and when a viewer last asked for its files. */
    static final class Slot {
        final HlsMuxer muxer;
        volatile long lastRequestNanos = System.nanoTime();
        /** Set when its stop begins; from then on requests wait for the camera's lock and start a new muxer. */
        volatile boolean stopping;

        Slot(HlsMuxer muxer) {
            this.muxer = muxer;
        }
    }

    public HlsMuxers(HlsProperties settings, LenswireProperties properties,
                     ObjectProvider<ViewerPresence> presence, MeterRegistry meters, CameraPipelines pipelines) {
        validate(settings);
        validateBatchWindow(settings, properties.getIngest().getBatchWindow());
        this.pipelines = pipelines;
        this.settings = settings;
        this.properties = properties;
        // without a session service only the idle timeout keeps a muxer alive
        this.presence = presence.getIfAvailable(() -> cameraId -> false);
        Gauge.builder("lenswire.hls.muxers.active", running, Map::size)
                .description("HLS muxers running (one per watched camera)").register(meters);
        sweeper.scheduleWithFixedDelay(this::stopIdle, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** Refuses settings FFmpeg would take but that make no sense (list-size 0 keeps every segment forever). */
    static void validate(HlsProperties s) {
        double segment = s.getSegmentDuration().toMillis() / 1000.0;
        if (segment < 0.5 || segment > 10) {
            throw new IllegalStateException("lenswire.hls.segment-duration must be between 0.5s and 10s, not " + s.getSegmentDuration());
        }
        if (s.getFirstSegmentDuration().isNegative() || s.getFirstSegmentDuration().compareTo(s.getSegmentDuration()) > 0) {
            throw new IllegalStateException("lenswire.hls.first-segment-duration must be between 0 and segment-duration");
        }
        if (s.getListSize() < 2 || s.getListSize() > 30) {
            throw new IllegalStateException("lenswire.hls.list-size must be between 2 and 30, not " + s.getListSize());
        }
        if (s.getIdleTimeout().toSeconds() < 1 || s.getFirstPlaylistWait().isNegative()) {
            throw new IllegalStateException("lenswire.hls.idle-timeout must be at least 1s and first-playlist-wait not negative");
        }
    }

    /**
     * Ingest's batch window adds up to its length to every packet's way into a segment; above a
     * tenth of a segment it would show in the playlist's timing.
     */
    static void validateBatchWindow(HlsProperties s, Duration batchWindow) {
        if (batchWindow.isNegative() || batchWindow.multipliedBy(10).compareTo(s.getSegmentDuration()) > 0) {
            throw new IllegalStateException("lenswire.ingest.batch-window must be between 0 and a tenth of lenswire.hls.segment-duration ("
                    + s.getSegmentDuration().dividedBy(10).toMillis() + " ms), not " + batchWindow.toMillis() + " ms");
        }
    }

    public Path directory(String cameraId) {
        return properties.getDataDir().resolve("hls").resolve(cameraId).toAbsolutePath();
    }

    /**
     * Starts the camera's muxer unless it runs; marks it as just requested either way. Takes no lock
     * when the muxer runs (every playlist request comes here); waits only for a start or stop of the
     * same camera.
     */
    public void ensureRunning(String cameraId) {
        Slot slot = running.get(cameraId);
        if (slot != null && !slot.stopping) {
            slot.lastRequestNanos = System.nanoTime();
            return;
        }
        synchronized (lockFor(cameraId)) {
            slot = running.get(cameraId);
            if (slot != null) {
                slot.lastRequestNanos = System.nanoTime();
                return;
            }
            start(cameraId);
        }
    }

    private Object lockFor(String cameraId) {
        return locks.computeIfAbsent(cameraId, id -> new Object());
    }

    /** Called with the camera's lock held and no muxer running. */
    private void start(String cameraId) {
        Path dir = directory(cameraId);
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            // started anyway: the muxer reports the failure (camera status, health) and retries
            // at every key frame, so playback comes back by itself once the disk is writable
            LOG.warn("camera {}: cannot prepare the HLS directory ({}); the muxer retries", cameraId,
                    e.getClass().getSimpleName());
        }
        HlsMuxer muxer = new HlsMuxer(cameraId, dir, settings);
        running.put(cameraId, new Slot(muxer));
        boolean opened;
        try {
            opened = pipelines.openBranch(BranchId.hls(cameraId), new HlsBranch(muxer));
        } catch (RuntimeException e) {
            running.remove(cameraId).muxer.close();
            throw e;
        }
        if (!opened) { // the camera was removed meanwhile
            running.remove(cameraId).muxer.close();
            return;
        }
        LOG.info("camera {}: HLS muxer started", cameraId);
    }

    /** The camera's playlist with its dates on the capture clock, or as written when no muxer runs. */
    String onCaptureClock(String cameraId, String playlist) {
        Slot slot = running.get(cameraId);
        return slot == null ? playlist : slot.muxer.captureClock().correct(playlist);
    }

    /** {@code stopped}, {@code running}, or {@code failing} (its output cannot be written; see {@link #failure}). */
    @Override
    public String state(String cameraId) {
        Slot slot = running.get(cameraId);
        if (slot == null || slot.stopping) {
            return "stopped";
        }
        return slot.muxer.failure() == null ? "running" : "failing";
    }

    /** Why the camera's running muxer cannot write, if it cannot. */
    @Override
    public Optional<String> failure(String cameraId) {
        Slot slot = running.get(cameraId);
        return slot == null || slot.stopping ? Optional.empty() : Optional.ofNullable(slot.muxer.failure());
    }

    /** The cameras whose muxer cannot write now, with the reason, by camera id. */
    @Override
    public Map<String, String> failures() {
        Map<String, String> failing = new TreeMap<>();
        running.forEach((id, slot) -> {
            String reason = slot.stopping ? null : slot.muxer.failure();
            if (reason != null) {
                failing.put(id, reason);
            }
        });
        return failing;
    }

    @Override
    public boolean carriesAudio(StreamInfo.AudioInfo audio) {
        return HlsMuxer.carriesAudio(audio);
    }

    public boolean isRunning(String cameraId) {
        Slot slot = running.get(cameraId);
        return slot != null && !slot.stopping;
    }

    public void touch(String cameraId) {
        Slot slot = running.get(cameraId);
        if (slot != null) {
            slot.lastRequestNanos = System.nanoTime();
        }
    }

    void stopIdle() {
        long idleNanos = settings.getIdleTimeout().toNanos();
        for (Map.Entry<String, Slot> e : running.entrySet()) {
            String cameraId = e.getKey();
            boolean idle = System.nanoTime() - e.getValue().lastRequestNanos > idleNanos;
            if (idle && !presence.hasLiveSession(cameraId)) {
                stop(cameraId);
            }
        }
    }

    /**
     * Closes the branch (the muxer is closed on its writer's thread) and deletes the files. Holds
     * only this camera's lock.
     */
    public void stop(String cameraId) {
        synchronized (lockFor(cameraId)) {
            Slot slot = running.get(cameraId);
            if (slot == null) {
                return;
            }
            // a request for this camera from now on waits for this camera's lock and then starts a
            // new muxer, instead of being told that the stopping one runs
            slot.stopping = true;
            pipelines.closeBranch(BranchId.hls(cameraId), STOP_TIMEOUT);
            slot.muxer.close(); // closed already by its thread; a muxer whose branch never opened is closed here
            try {
                deleteTree(slot.muxer.directory());
            } catch (IOException e) {
                LOG.warn("camera {}: could not delete HLS files: {}", cameraId, e.getMessage());
            }
            running.remove(cameraId); // last: the gauge of running muxers drops once the files are gone
            LOG.info("camera {}: HLS muxer stopped ({} packets written, {} dropped)", cameraId,
                    slot.muxer.writtenPackets(), slot.muxer.droppedPackets());
        }
    }

    @Override
    public void cameraRemoving(String cameraId) {
        stop(cameraId);
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        running.keySet().forEach(this::stop);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
