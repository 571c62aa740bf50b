package io.lenswire.ingest;

import io.micrometer.core.instrument.Tags;

/**
 * One branch of one camera's pipeline ({@code hls} or {@code analytics} of camera {@code a}). The
 * only place that names a branch's queue, route and route template: the camera route template
 * receives the queue URIs as parameters and the branch templates their queue, so a queue renamed
 * here is renamed everywhere at once.
 */
public record BranchId(String branch, String cameraId) {

    public static final String HLS = "hls";
    public static final String ANALYTICS = "analytics";

    public BranchId {
        if (!branch.matches("[a-z]+")) {
            throw new IllegalArgumentException("branch names are lower-case letters: " + branch);
        }
    }

    public static BranchId hls(String cameraId) {
        return new BranchId(HLS, cameraId);
    }

    public static BranchId analytics(String cameraId) {
        return new BranchId(ANALYTICS, cameraId);
    }

    /** The route that consumes the branch's queue: {@code <branch>-<cameraId>}. */
    public String routeId() {
        return branch + "-" + cameraId;
    }

    /** The route template of this kind of branch (routes/hls.yaml, routes/analytics.yaml). */
    public String templateId() {
        return "camera-" + branch;
    }

    /** The branch's queue, as the routes name it. */
    public String queueUri() {
        return "seda:" + routeId();
    }

    /** The queue's endpoint base URI as Camel normalises it (no parameters): exact matching on removal. */
    public String endpointBaseUri() {
        return "seda://" + routeId();
    }

    /** The queue's key in the SEDA component. */
    String queueKey() {
        return endpointBaseUri();
    }

    /** Registry name of the branch's gate, the camera route's filter in front of its queue. */
    String gateBean() {
        return routeId() + "-gate";
    }

    /** Registry name of the branch's runner, the branch route's step. */
    String runnerBean() {
        return routeId() + "-branch";
    }

    public Tags tags() {
        return Tags.of("camera", cameraId, "branch", branch);
    }

    @Override
    public String toString() {
        return routeId();
    }
}
