package io.lenswire.ingest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;

/**
 * Adds and removes a camera's branch route ({@code hls-<id>}, {@code analytics-<id>}), the consumer
 * of its queue {@code seda:<branch>-<id>}. Pairs the route with the fan-out gate: a branch is
 * opened before its route is added, and closed before its route stops, so that the queue drains
 * and the route's stop does not wait for a queue that ingest keeps filling.
 */
@Component
public class BranchRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(BranchRoutes.class);

    private final CamelContext camelContext;
    private final BranchClosings closings;
    private final int queueSize;

    public BranchRoutes(CamelContext camelContext, BranchClosings closings, LenswireProperties properties) {
        this.camelContext = camelContext;
        this.closings = closings;
        this.queueSize = properties.getIngest().getBranchQueueSize();
    }

    public static String routeId(String branch, String cameraId) {
        return branch + "-" + cameraId;
    }

    /** Opens the branch to ingest and adds its route from {@code templateId} (parameters cameraId, branchQueueSize). */
    public void add(String branch, String templateId, String cameraId) {
        closings.reopened(branch, cameraId);
        TemplatedRouteBuilder.builder(camelContext, templateId)
                .routeId(routeId(branch, cameraId))
                .parameter("cameraId", cameraId)
                .parameter("branchQueueSize", queueSize)
                .add();
    }

    /**
     * Closes the branch to ingest, then stops its route (waiting at most {@code timeout} for the
     * packet in hand) and removes it. A failure is logged: the caller frees its resources anyway.
     */
    public void remove(String branch, String cameraId, Duration timeout) {
        closings.closing(branch, cameraId);
        String routeId = routeId(branch, cameraId);
        try {
            if (camelContext.getRoute(routeId) != null) {
                camelContext.getRouteController().stopRoute(routeId, timeout.toMillis(), TimeUnit.MILLISECONDS);
                camelContext.removeRoute(routeId);
            }
        } catch (Exception e) {
            LOG.warn("camera {}: could not stop the {} route: {}", cameraId, branch, e.getMessage());
        }
    }
}
