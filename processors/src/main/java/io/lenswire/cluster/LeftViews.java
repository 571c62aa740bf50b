package io.lenswire.cluster;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster views a node has left, watched for a few checks for a lock taken while leaving. Camel
 * 4.17's file lock view can take its lock in the moment it stops: a leadership check already
 * running finishes after the stop released everything, and the stopped view then holds the lock
 * for good, so no node runs that camera until this one restarts. Measured: 64 of 2 000 joins and
 * leaves at a 10 ms lock interval (LeftViewsTest); in ClusterPlacementTest a camera run nowhere
 * for 20 s. Such a view says it leads; starting it again releases what it holds (a start first
 * closes the lock and files left behind), and stopping it at once ends the checks the start
 * scheduled. Camel's main branch closes the race itself (a generation check under a lock).
 *
 * <p>Not thread-safe: one owner thread (ClusterPlacement's worker).
 */
final class LeftViews {

    private static final Logger LOG = LoggerFactory.getLogger(LeftViews.class);

    private final int checks;
    private final Map<CamelClusterView, Integer> watched = new HashMap<>();

    /** Watches each view left for {@code checks} calls of {@link #releaseLocksTaken}. */
    LeftViews(int checks) {
        this.checks = checks;
    }

    /** A view just released from the cluster service. */
    void left(CamelClusterView view) {
        watched.put(view, checks);
    }

    /**
     * A view joined again: Camel's cluster service hands out the same instance for a namespace
     * every time, so a view left and joined again within the watch is in use, and leading is what
     * it should do now; restarting and stopping it would leave the camera running nowhere.
     */
    void joined(CamelClusterView view) {
        watched.remove(view);
    }

    /** Lets go of every lock a left view took; returns how many there were. */
    int releaseLocksTaken() {
        int released = 0;
        for (Map.Entry<CamelClusterView, Integer> e : Map.copyOf(watched).entrySet()) {
            CamelClusterView view = e.getKey();
            if (view.getLocalMember().isLeader()) {
                LOG.warn("{}: this node took its lock while leaving it; letting go of it", view.getNamespace());
                try {
                    ServiceHelper.startService(view);
                } finally {
                    ServiceHelper.stopService(view);
                }
                watched.put(view, checks);
                released++;
            } else if (e.getValue() <= 1) {
                watched.remove(view);
            } else {
                watched.put(view, e.getValue() - 1);
            }
        }
        return released;
    }

    int watched() {
        return watched.size();
    }
}
