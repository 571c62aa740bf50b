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
 * decoder or muxer can only resume there). "Full" is by packet count or by bytes
 * ({@code lenswire.ingest.branch-queue-max-bytes}, see {@link ByteBoundedQueue}). The ingest thread is the only producer of each queue, so
 * "has room now" still holds when it offers right after.
 */
@Component("fanOutGate")
public class FanOutGate {

    private final SedaComponent seda;
    private final CameraStatusRegistry statuses;
    private final BranchDropMetrics dropMetrics;
    private final BranchClosings closings;
    /** Branch queues that dropped a packet and wait for a key frame; touched by ingest threads only. */
    private final Set<String> resyncing = ConcurrentHashMap.newKeySet();

    public FanOutGate(CamelContext camelContext, CameraStatusRegistry statuses, BranchDropMetrics dropMetrics,
                      BranchClosings closings) {
        this(camelContext, statuses, dropMetrics, closings, new IngestLimits());
    }

    /**
     * Makes every SEDA queue created from now on a {@link ByteBoundedQueue} with the configured
     * byte bound: the branch queues are created with their camera's routes, after this.
     */
    @org.springframework.beans.factory.annotation.Autowired
    public FanOutGate(CamelContext camelContext, CameraStatusRegistry statuses, BranchDropMetrics dropMetrics,
                      BranchClosings closings, IngestLimits limits) {
        this.closings = closings;
        this.seda = camelContext.getComponent("seda", SedaComponent.class);
        seda.setDefaultQueueFactory(ByteBoundedQueue.factory(limits.getBranchQueueMaxBytes().toBytes()));
        this.statuses = statuses;
        this.dropMetrics = dropMetrics;
    }

    public boolean admit(Exchange exchange, String branch) {
        String cameraId = exchange.getIn().getHeader(JavacvConstants.CAMERA_ID, String.class);
        QueueReference queue = seda.getQueueReference("seda://" + branch + "-" + cameraId);
        String key = BranchClosings.key(branch, cameraId);
        if (queue == null || !queue.hasConsumers() || closings.isClosing(key)) {
            return false;
        }
        if (resyncing.contains(key)) {
            if (!exchange.getIn().getHeader(JavacvConstants.KEY_FRAME, false, Boolean.class)) {
                countDrop(cameraId, branch);
                return false;
            }
            resyncing.remove(key);
        }
        if (queue.getQueue().remainingCapacity() > 0
                && (!(queue.getQueue() instanceof ByteBoundedQueue bounded) || bounded.hasRoomFor(ByteBoundedQueue.sizeOf(exchange)))) {
            return true;
        }
        resyncing.add(key); // a branch that lost a packet gets nothing until the next key frame
        countDrop(cameraId, branch);
        return false;
    }

    private void countDrop(String cameraId, String branch) {
        statuses.find(cameraId).ifPresent(CameraStatus::dropped);
        dropMetrics.dropped(cameraId, branch);
    }
}
