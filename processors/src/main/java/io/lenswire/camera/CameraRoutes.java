package io.lenswire.camera;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.GopCacheRegistry;

/**
 * Creates and removes a camera's Camel routes from the {@code camera} route template
 * (routes/cameras.yaml). Only the camera id goes into the route; the address is looked up by id.
 */
@Component
public class CameraRoutes {

    static final String TEMPLATE_ID = "camera";

    private final CamelContext camelContext;
    private final LenswireProperties properties;
    private final GopCacheRegistry gopCaches;

    public CameraRoutes(CamelContext camelContext, LenswireProperties properties, GopCacheRegistry gopCaches) {
        this.camelContext = camelContext;
        this.properties = properties;
        this.gopCaches = gopCaches;
    }

    public static String routeId(String cameraId) {
        return "camera-" + cameraId;
    }

    public void start(Camera camera) {
        LenswireProperties.Ingest ingest = properties.getIngest();
        boolean finite = CameraDirectory.isFiniteSource(camera);
        TemplatedRouteBuilder.builder(camelContext, TEMPLATE_ID)
                .routeId(routeId(camera.id()))
                .parameter("cameraId", camera.id())
                .parameter("connectTimeout", ingest.getConnectTimeout().toMillis())
                .parameter("readTimeout", ingest.getReadTimeout().toMillis())
                .parameter("reconnectInitialDelay", ingest.getReconnectInitialDelay().toMillis())
                .parameter("reconnectMaxDelay", ingest.getReconnectMaxDelay().toMillis())
                .parameter("failedAfterAttempts", ingest.getFailedAfterAttempts())
                .parameter("branchQueueSize", ingest.getBranchQueueSize())
                .parameter("loop", finite)
                .parameter("realtime", finite)
                .add();
    }

    /** Stops the camera's routes and frees what they held: ingest thread, FFmpeg context, queues, GOP. */
    public void stop(String cameraId) throws Exception {
        String routeId = routeId(cameraId);
        if (camelContext.getRoute(routeId) != null) {
            camelContext.getRouteController().stopRoute(routeId);
            camelContext.removeRoute(routeId);
        }
        camelContext.removeEndpoints("javacv://" + cameraId);
        camelContext.removeEndpoints("seda://*-" + cameraId);
        camelContext.removeEndpoints("seda://*-" + cameraId + "?*");
        gopCaches.remove(cameraId);
    }
}
