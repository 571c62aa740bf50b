package io.lenswire.analytics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraService;

/** {@code GET /api/stream/analytics/stats[?camera_id=]}, and the analytics part of the health answer. */
@Component("analyticsApi")
public class AnalyticsApi {

    private final FaceAnalytics analytics;
    private final AnalyticsEngine engine;
    private final CameraService cameras;

    public AnalyticsApi(FaceAnalytics analytics, AnalyticsEngine engine, CameraService cameras) {
        this.analytics = analytics;
        this.engine = engine;
        this.cameras = cameras;
    }

    public void stats(Exchange exchange) {
        String cameraId = exchange.getIn().getHeader("camera_id", String.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        if (cameraId == null || cameraId.isEmpty()) {
            body.put("recognizer", engine.recognizerName());
            body.put("stats", analytics.allStats());
            exchange.getMessage().setBody(body);
            return;
        }
        Camera camera = cameras.find(cameraId).orElseThrow(() -> ApiException.notFound("No camera with camera_id '" + ApiException.printable(cameraId) + "'"));
        Map<String, Object> stats = analytics.stats(camera.id()).orElseThrow(() -> ApiException.notFound(
                camera.analytics() ? "Analytics is not running for camera '" + camera.id() + "': " + unavailableReason()
                        : "Camera '" + camera.id() + "' has analytics disabled (enable_analytics is false)"));
        body.put("camera_id", camera.id());
        body.put("recognizer", engine.recognizerName());
        body.put("stats", stats);
        exchange.getMessage().setBody(body);
    }

    /** Route step after cameraApi.health: adds {@code analytics: {status, recognizer, cameras, error}}. */
    @SuppressWarnings("unchecked")
    public void health(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof Map<?, ?>)) {
            return;
        }
        Map<String, Object> analyticsPart = new LinkedHashMap<>();
        analyticsPart.put("status", engine.status().name().toLowerCase());
        analyticsPart.put("recognizer", engine.recognizerName());
        analyticsPart.put("cameras", analytics.runningCount());
        analyticsPart.put("enrolled_persons", engine.gallery().people().size());
        if (engine.error() != null) {
            analyticsPart.put("error", engine.error());
        }
        ((Map<String, Object>) body).put("analytics", analyticsPart);
    }

    private String unavailableReason() {
        return engine.ready() ? "it is starting" : engine.error() == null ? "analytics is disabled by configuration" : engine.error();
    }

}
