package io.lenswire.camera;

import java.util.Optional;

/**
 * Decides where a known camera's pipeline runs. On a single node ({@link LocalPlacement}) that is
 * here, at once. In a cluster (io.lenswire.cluster) exactly one node runs it, chosen through
 * Camel's cluster service; the others know the camera but do not read it.
 */
public interface CameraPlacement {

    /** The camera is known here (configured, stored or just added): run it here or let its owner run it. */
    void place(Camera camera);

    /** The camera goes away: stop it if it runs here and stop competing for it. */
    void displace(String cameraId);

    /** Where the camera runs when that is another node; empty when it runs here or nowhere known. */
    default Optional<Owner> elsewhere(String cameraId) {
        return Optional.empty();
    }

    /** This node's id in a cluster; empty on a single node. */
    default Optional<String> nodeId() {
        return Optional.empty();
    }

    /** The cluster's nodes heard from lately, this one included; empty on a single node. */
    default java.util.List<String> liveNodes() {
        return java.util.List.of();
    }

    /** Another node that runs a camera: its id, its HTTP base URL and the camera's state there. */
    record Owner(String nodeId, String baseUrl, String state) {
    }
}
