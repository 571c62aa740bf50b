package io.lenswire.analytics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraLifecycleListener;
import io.lenswire.ingest.BranchId;
import io.lenswire.ingest.CameraPipelines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The analytics branches: one {@link AnalyticsBranch} (a {@link CameraAnalytics} pipeline, run by a
 * {@code camera-analytics} route of routes/analytics.yaml) per camera with {@code analytics: true},
 * opened when the camera starts and closed, with every native resource, before the camera's own
 * routes go away.
 */
@Component("faceAnalytics")
public class FaceAnalytics implements CameraLifecycleListener, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(FaceAnalytics.class);
    /** Longest wait for the branch's thread to finish its current packet when the branch stops. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final AnalyticsProperties settings;
    private final AnalyticsEngine engine;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final CameraPipelines pipelines;
    private final Map<String, CameraAnalytics> running = new ConcurrentHashMap<>();

    public FaceAnalytics(AnalyticsProperties settings,
                         AnalyticsEngine engine, MeterRegistry meters, ObjectMapper json, CameraPipelines pipelines) {
        this.pipelines = pipelines;
        this.settings = settings;
        this.engine = engine;
        this.meters = meters;
        this.json = json;
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
    public void cameraStopping(String cameraId) {
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
        boolean opened;
        try {
            opened = pipelines.openBranch(BranchId.analytics(cameraId), new AnalyticsBranch(pipeline, this::toJson));
        } catch (RuntimeException e) {
            running.remove(cameraId).close();
            removeMeters(cameraId);
            throw e;
        }
        if (!opened) { // the camera does not run (any more)
            running.remove(cameraId).close();
            removeMeters(cameraId);
            return;
        }
        LOG.info("camera {}: face analytics started ({})", cameraId, engine.recognizerName());
    }

    /**
     * Closes the branch: its thread frees the pipeline's native memory (what is still queued is
     * dropped), then the route goes.
     */
    synchronized void stop(String cameraId) {
        CameraAnalytics pipeline = running.remove(cameraId);
        if (pipeline == null) {
            return;
        }
        pipelines.closeBranch(BranchId.analytics(cameraId), STOP_TIMEOUT);
        pipeline.close(); // closed already by the branch's thread (close is idempotent); here for a camera gone first
        removeMeters(cameraId);
        LOG.info("camera {}: face analytics stopped ({} frames analysed)", cameraId, pipeline.stats().framesProcessed());
    }

    private String toJson(FaceEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return event.toString();
        }
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
        Counter c = meters.find("lenswire.branch.dropped.packets").tags(BranchId.analytics(cameraId).tags()).counter();
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
