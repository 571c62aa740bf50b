package io.lenswire.cluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The {@code cluster-heartbeat} route's step. The route is declared on every node (routes are
 * loaded whatever the settings) but starts only in a cluster, where {@link ClusterPlacement} exists.
 */
@Component("clusterHeartbeat")
public class ClusterHeartbeat {

    private final ObjectProvider<ClusterPlacement> placement;

    public ClusterHeartbeat(ObjectProvider<ClusterPlacement> placement) {
        this.placement = placement;
    }

    public void beat() {
        placement.ifAvailable(ClusterPlacement::heartbeat);
    }
}
