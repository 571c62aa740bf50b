package io.lenswire.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaComponent;
import org.springframework.stereotype.Component;

/**
 * Decides whether a packet may enter a branch queue ({@code seda:<branch>-<camera>}) without
 * blocking ingest: no subscriber means nothing to do; a full queue means the branch is slow, so
 * the packet is dropped and counted, and so is everything after it until the next key frame (a
 * decoder or muxer can only resume there). The ingest thread is the only producer of each queue, so
 * "has room now" still holds when it offers right after.
 */
@Component("fanOutGate")
public class FanOutGate {

    private final SedaComponent seda;
    private final CameraStatusRegistry statuses;
    private final BranchDropMetrics dropMetrics;
    /** Branch queues that dropped a packet and wait for a key frame; touched by ingest threads only. */
    private final Set<String> resyncing = ConcurrentHashMap.newKeySet();
    /** Branch queues whose consumer is stopping: nothing more goes in, so that the queue can drain. */
    private final Set<String> closed = ConcurrentHashMap.newKeySet();

    public FanOutGate(CamelContext camelContext, CameraStatusRegistry statuses, BranchDropMetrics dropMetrics) {
        this.seda = camelContext.getComponent("seda", SedaComponent.class);
        this.statuses = statuses;
        this.dropMetrics = dropMetrics;
    }

    public boolean admit(Exchange exchange, String branch) {
        String cameraId = exchange.getIn().getHeader(JavacvConstants.CAMERA_ID, String.class);
        // SedaComponent keys its queues by the normalized endpoint URI without options
        QueueReference queue = seda.getQueueReference("seda://" + branch + "-" + cameraId);
        if (queue == null || !queue.hasConsumers()) {
            return false;
        }
        String key = branch + "-" + cameraId;
        if (closed.contains(key)) {
            return false;
        }
        if (resyncing.contains(key)) {
            if (!exchange.getIn().getHeader(JavacvConstants.KEY_FRAME, false, Boolean.class)) {
                countDrop(cameraId, branch);
                return false;
            }
            resyncing.remove(key);
        }
        if (queue.getQueue().remainingCapacity() > 0) {
            return true;
        }
        resyncing.add(key); // a branch that lost a packet gets nothing until the next key frame
        countDrop(cameraId, branch);
        return false;
    }

    /**
     * Stops admitting packets into a branch queue, before its consumer route is stopped: a SEDA
     * consumer stops only once its queue runs dry, which never happens while ingest keeps feeding it.
     */
    public void close(String cameraId, String branch) {
        closed.add(branch + "-" + cameraId);
    }

    /** Admits packets into the branch queue again (a branch that starts). */
    public void open(String cameraId, String branch) {
        closed.remove(branch + "-" + cameraId);
        resyncing.remove(branch + "-" + cameraId);
    }

    private void countDrop(String cameraId, String branch) {
        statuses.find(cameraId).ifPresent(CameraStatus::dropped);
        dropMetrics.dropped(cameraId, branch);
    }
}
