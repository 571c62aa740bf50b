package io.lenswire.hls;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * On-demand lifecycle of the per-camera LL-HLS segmenters: started by the first viewer as the HLS
 * branch of the camera's pipeline (the {@code camera-hls} route template), stopped (branch closed,
 * which closes the segmenter on the branch's thread, then the camera's {@link LiveWindow} closed
 * and its memory freed) when no live session and no request has been seen for the idle timeout.
 * One segmenter per camera, whatever the number of viewers. Nothing is written to disk.
 */
@Component("hlsMuxers")
public class HlsMuxers implements CameraLifecycleListener, PlaybackStateView, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(HlsMuxers.class);
    private static final long SWEEP_SECONDS = 1;
    /** Longest wait for the segmenter's route to finish the packet in hand when it stops. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final HlsProperties settings;
    private final ViewerPresence presence;
    private final CameraPipelines pipelines;
    private final MeterRegistry meters;
    private final Map<String, Slot> running = new ConcurrentHashMap<>();
    /**
     * One lock per camera for starting and stopping its segmenter. A stop waits for Camel's graceful
     * stop of the route (up to the SEDA consumer's poll timeout); with a single lock for all
     * cameras, every other camera's playlist requests and session starts waited for it.
     */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hls-idle-sweeper");
        t.setDaemon(true);
        return t;
    });

    /** A running segmenter, the window it fills, and when a viewer last asked for something. */
    static final class Slot {
        final LlHlsSegmenter segmenter;
        final LiveWindow window;
        /** lenswire_hls_window_bytes of this camera, removed when it stops. */
        Meter bytesGauge;
        volatile long lastRequestNanos = System.nanoTime();
        /** Set when its stop begins; from then on requests wait for the camera's lock and start a new segmenter. */
        volatile boolean stopping;

        Slot(LlHlsSegmenter segmenter, LiveWindow window) {
            this.segmenter = segmenter;
            this.window = window;
        }
    }

    public HlsMuxers(HlsProperties settings, LenswireProperties properties,
                     ObjectProvider<ViewerPresence> presence, MeterRegistry meters, CameraPipelines pipelines) {
        validate(settings);
        validateBatchWindow(settings, properties.getIngest().getBatchWindow());
        this.pipelines = pipelines;
        this.settings = settings;
        this.meters = meters;
        // without a session service only the idle timeout keeps a segmenter alive
        this.presence = presence.getIfAvailable(() -> cameraId -> false);
        Gauge.builder("lenswire.hls.muxers.active", running, Map::size)
                .description("HLS segmenters running (one per watched camera)").register(meters);
        sweeper.scheduleWithFixedDelay(this::stopIdle, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** Refuses settings that make no sense for LL-HLS (list-size 0 would keep nothing to play). */
    static void validate(HlsProperties s) {
        double segment = s.getSegmentDuration().toMillis() / 1000.0;
        if (segment < 0.5 || segment > 10) {
            throw new IllegalStateException("lenswire.hls.segment-duration must be between 0.5s and 10s, not " + s.getSegmentDuration());
        }
        long part = s.getPartDuration().toMillis();
        if (part < 50 || s.getPartDuration().multipliedBy(2).compareTo(s.getSegmentDuration()) > 0) {
            throw new IllegalStateException("lenswire.hls.part-duration must be between 50ms and half of segment-duration, not "
                    + s.getPartDuration().toMillis() + "ms");
        }
        if (s.getMaxBytesPerCamera().toBytes() < 1024 * 1024 || s.getMaxWaitersPerCamera() < 1) {
            throw new IllegalStateException("lenswire.hls.max-bytes-per-camera must be at least 1MB and max-waiters-per-camera at least 1");
        }
        if (s.getListSize() < 2 || s.getListSize() > 30) {
            throw new IllegalStateException("lenswire.hls.list-size must be between 2 and 30, not " + s.getListSize());
        }
        if (s.getIdleTimeout().toSeconds() < 1 || s.getFirstPlaylistWait().isNegative()) {
            throw new IllegalStateException("lenswire.hls.idle-timeout must be at least 1s and first-playlist-wait not negative");
        }
    }

    /**
     * Ingest's batch window adds up to its length to every packet's way into a part; above a
     * tenth of a part it would show in the playlist's timing.
     */
    static void validateBatchWindow(HlsProperties s, Duration batchWindow) {
        if (batchWindow.isNegative() || batchWindow.multipliedBy(10).compareTo(s.getPartDuration()) > 0) {
            throw new IllegalStateException("lenswire.ingest.batch-window must be between 0 and a tenth of lenswire.hls.part-duration ("
                    + s.getPartDuration().dividedBy(10).toMillis() + " ms), not " + batchWindow.toMillis() + " ms");
        }
    }

    /** The camera's window while its segmenter runs. */
    public Optional<LiveWindow> window(String cameraId) {
        Slot slot = running.get(cameraId);
        return slot == null || slot.stopping ? Optional.empty() : Optional.of(slot.window);
    }

    /**
     * Starts the camera's segmenter unless it runs; marks it as just requested either way. Takes no lock
     * when it runs (every playlist request comes here); waits only for a start or stop of the
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

    /** Called with the camera's lock held and no segmenter running. */
    private void start(String cameraId) {
        LiveWindow window = LiveWindow.numberedByCaptureTime(settings.windowSettings());
        LlHlsSegmenter segmenter = new LlHlsSegmenter(cameraId, window, settings.getPartDuration(), settings.getSegmentDuration());
        Slot slot = new Slot(segmenter, window);
        slot.bytesGauge = Gauge.builder("lenswire.hls.window.bytes", window, LiveWindow::bytes)
                .description("Bytes a watched camera's LL-HLS window holds in memory (init sections and parts)")
                .baseUnit("bytes").tag("camera", cameraId).register(meters);
        running.put(cameraId, slot);
        boolean opened;
        try {
            opened = pipelines.openBranch(BranchId.hls(cameraId), new HlsBranch(segmenter));
        } catch (RuntimeException e) {
            running.remove(cameraId);
            close(slot);
            throw e;
        }
        if (!opened) { // the camera was removed meanwhile
            running.remove(cameraId);
            close(slot);
            return;
        }
        LOG.info("camera {}: HLS segmenter started", cameraId);
    }

    private void close(Slot slot) {
        slot.segmenter.close();
        slot.window.close();
        meters.remove(slot.bytesGauge);
    }

    /** {@code stopped}, {@code running}, or {@code failing} (its output cannot be written; see {@link #failure}). */
    @Override
    public String state(String cameraId) {
        Slot slot = running.get(cameraId);
        if (slot == null || slot.stopping) {
            return "stopped";
        }
        return slot.segmenter.failure() == null ? "running" : "failing";
    }

    /** Why the camera's running segmenter cannot cut, if it cannot. */
    @Override
    public Optional<String> failure(String cameraId) {
        Slot slot = running.get(cameraId);
        return slot == null || slot.stopping ? Optional.empty() : Optional.ofNullable(slot.segmenter.failure());
    }

    /** The cameras whose segmenter cannot cut now, with the reason, by camera id. */
    @Override
    public Map<String, String> failures() {
        Map<String, String> failing = new TreeMap<>();
        running.forEach((id, slot) -> {
            String reason = slot.stopping ? null : slot.segmenter.failure();
            if (reason != null) {
                failing.put(id, reason);
            }
        });
        return failing;
    }

    @Override
    public boolean carriesAudio(StreamInfo.AudioInfo audio) {
        return Fmp4Fragmenter.carriesAudio(audio);
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
     * Closes the branch (the segmenter is closed on its writer's thread), then the window: held
     * requests are answered and the memory freed. Holds only this camera's lock.
     */
    public void stop(String cameraId) {
        synchronized (lockFor(cameraId)) {
            Slot slot = running.get(cameraId);
            if (slot == null) {
                return;
            }
            // a request for this camera from now on waits for this camera's lock and then starts a
            // new segmenter, instead of being told that the stopping one runs
            slot.stopping = true;
            pipelines.closeBranch(BranchId.hls(cameraId), STOP_TIMEOUT);
            close(slot); // the segmenter is closed already by its thread unless its branch never opened
            running.remove(cameraId); // last: the gauge of running segmenters drops once the memory is freed
            LOG.info("camera {}: HLS segmenter stopped ({} packets written, {} dropped)", cameraId,
                    slot.segmenter.writtenPackets(), slot.segmenter.droppedPackets());
        }
    }

    @Override
    public void cameraStopping(String cameraId) {
        stop(cameraId);
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        running.keySet().forEach(this::stop);
    }

}
