package io.lenswire.camera;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
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
    /** The branch queues of routes/cameras.yaml: {@code seda:<branch>-<cameraId>}. */
    private static final List<String> BRANCH_QUEUES = List.of("hls", "analytics");

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
        // exact URIs: a pattern such as seda://*-a also matched camera x-a's queues (and camera
        // "events" matched seda:face-events), stopping another camera's or a fixed route's queue
        for (Endpoint endpoint : List.copyOf(camelContext.getEndpoints())) {
            if (isOwnEndpoint(endpoint.getEndpointBaseUri(), cameraId)) {
                camelContext.removeEndpoint(endpoint);
            }
        }
        gopCaches.remove(cameraId);
    }

    /** True for the camera's own javacv: endpoint and branch queues, whatever their parameters. */
    static boolean isOwnEndpoint(String endpointBaseUri, String cameraId) {
        String uri = endpointBaseUri.replaceFirst("^([a-z]+):(//)?", "$1:");
        if (uri.equals("javacv:" + cameraId)) {
            return true;
        }
        for (String branch : BRANCH_QUEUES) {
            if (uri.equals("seda:" + branch + "-" + cameraId)) {
                return true;
            }
        }
        return false;
    }
}
