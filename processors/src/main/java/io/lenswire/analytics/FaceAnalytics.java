package io.lenswire.analytics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Body;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraLifecycleListener;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.BranchRoutes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The analytics branches: one {@code camera-analytics} route (routes/analytics.yaml) and one
 * {@link CameraAnalytics} pipeline per camera with {@code analytics: true}, created when the camera
 * starts and removed, with every native resource, before the camera's own routes go away.
 */
@Component("faceAnalytics")
public class FaceAnalytics implements CameraLifecycleListener, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalytics.class);
    /** Logger of every face event as one JSON line at DEBUG (tests and troubleshooting read it). */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.lenswire.analytics.events");
    static final String TEMPLATE_ID = "camera-analytics";
    static final String BRANCH = "analytics";
    /** Longest wait for the branch's thread to finish its current packet when the branch stops. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final AnalyticsProperties settings;
    private final AnalyticsEngine engine;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final BranchRoutes branches;
    private final Map<String, CameraAnalytics> running = new ConcurrentHashMap<>();
    private final Map<String, Long> lastFailureLog = new ConcurrentHashMap<>();
    private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

    public FaceAnalytics(AnalyticsProperties settings,
                         AnalyticsEngine engine, MeterRegistry meters, ObjectMapper json, BranchRoutes branches) {
        this.branches = branches;
        this.settings = settings;
        this.engine = engine;
        this.meters = meters;
        this.json = json;
    }

    public static String routeId(String cameraId) {
        return BranchRoutes.routeId(BRANCH, cameraId);
    }

    @Override
    public void cameraStarted(Camera camera) {
        if (!camera.analytics()) {
            return;
        }
        if (engine.status() == AnalyticsEngine.Status.DISABLED) {
            LOG.warn("camera {}: analytics requested but lenswire.analytics.enabled is false", camera.id());
            return;
        }
        if (!engine.ready()) {
            LOG.error("camera {}: FACE ANALYTICS UNAVAILABLE, the camera streams without it: {}", camera.id(), engine.error());
            return;
        }
        start(camera.id());
    }

    @Override
    public void cameraRemoving(String cameraId) {
        stop(cameraId);
    }

    synchronized void start(String cameraId) {
        if (running.containsKey(cameraId)) {
            return;
        }
        AnalyticsStats stats = new AnalyticsStats(() -> queueDrops(cameraId));
        CameraAnalytics pipeline = new CameraAnalytics(cameraId, settings, engine, stats,
                timer(cameraId, "decode"), timer(cameraId, "detect"), timer(cameraId, "recognize"));
        running.put(cameraId, pipeline);
        FunctionCounter.builder("lenswire.analytics.frames.processed", stats, AnalyticsStats::framesProcessed)
                .tag("camera", cameraId).description("Frames analysed").register(meters);
        FunctionCounter.builder("lenswire.analytics.faces.detected", stats, AnalyticsStats::facesDetected)
                .tag("camera", cameraId).register(meters);
        FunctionCounter.builder("lenswire.analytics.faces.recognized", stats, AnalyticsStats::facesRecognized)
                .tag("camera", cameraId).register(meters);
        FunctionCounter.builder("lenswire.analytics.frames.dropped", stats, AnalyticsStats::framesDropped)
                .tag("camera", cameraId).description("Frames the analytics branch skipped because it was behind").register(meters);
        try {
            branches.add(BRANCH, TEMPLATE_ID, cameraId);
        } catch (RuntimeException e) {
            running.remove(cameraId).close();
            removeMeters(cameraId);
            throw e;
        }
        LOG.info("camera {}: face analytics started ({})", cameraId, engine.recognizerName());
    }

    /**
     * Closes the branch's queue to ingest, removes the route (its thread owns the pipeline: what is
     * still queued passes through without analysis), then frees the pipeline's native memory.
     */
    synchronized void stop(String cameraId) {
        CameraAnalytics pipeline = running.remove(cameraId);
        if (pipeline == null) {
            return;
        }
        lastFailureLog.remove(cameraId);
        branches.remove(BRANCH, cameraId, STOP_TIMEOUT);
        pipeline.close();
        // hand the decoder's freed frame buffers back to the OS: glibc keeps them in per-thread
        // arenas otherwise, and RSS would climb with every camera added and removed
        Pointer.trimMemory();
        removeMeters(cameraId);
        LOG.info("camera {}: face analytics stopped ({} frames analysed)", cameraId, pipeline.stats().framesProcessed());
    }

    /**
     * Route step of {@code camera-analytics}: the result of one packet, or null. A failure (a stream
     * the decoder cannot open, say) is logged at most once a minute per camera instead of once per
     * packet, and the packet is skipped.
     */
    public FaceEvent process(@Body EncodedPacket packet) {
        CameraAnalytics pipeline = running.get(packet.cameraId());
        if (pipeline == null) {
            return null;
        }
        FaceEvent event;
        try {
            event = pipeline.process(packet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            pipeline.stats().decodeError();
            long now = System.nanoTime();
            Long last = lastFailureLog.get(packet.cameraId());
            if (last == null || now - last > FAILURE_LOG_INTERVAL_NANOS) {
                lastFailureLog.put(packet.cameraId(), now);
                LOG.warn("camera {}: analytics skipped a packet: {}", packet.cameraId(), e.toString());
            }
            return null;
        }
        if (event != null && EVENTS.isDebugEnabled()) {
            EVENTS.debug("face-event {}", toJson(event));
        }
        return event;
    }

    private String toJson(FaceEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return event.toString();
        }
    }

    public boolean isRunning(String cameraId) {
        return running.containsKey(cameraId);
    }

    /** Stats of one camera's branch, if it runs. */
    public Optional<Map<String, Object>> stats(String cameraId) {
        return Optional.ofNullable(running.get(cameraId)).map(p -> p.stats().toMap());
    }

    /** Stats of every running branch, by camera id. */
    public Map<String, Map<String, Object>> allStats() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        running.keySet().stream().sorted().forEach(id -> all.put(id, running.get(id).stats().toMap()));
        return all;
    }

    public int runningCount() {
        return running.size();
    }

    private long queueDrops(String cameraId) {
        Counter c = meters.find("lenswire.branch.dropped.packets").tag("camera", cameraId).tag("branch", BRANCH).counter();
        return c == null ? 0 : (long) c.count();
    }

    private Timer timer(String cameraId, String stage) {
        return Timer.builder("lenswire.analytics.stage")
                .description("Time per analytics stage: decode (per packet), detect (downscale + YuNet), recognize (align + embed + match)")
                .tag("camera", cameraId).tag("stage", stage)
                .register(meters);
    }

    private void removeMeters(String cameraId) {
        meters.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("lenswire.analytics.") && cameraId.equals(m.getId().getTag("camera")))
                .toList()
                .forEach(meters::remove);
    }

    @Override
    public void destroy() {
        running.keySet().forEach(this::stop);
    }
}
