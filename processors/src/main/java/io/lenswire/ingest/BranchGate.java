package io.lenswire.ingest;

import java.util.concurrent.BlockingQueue;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

import io.micrometer.core.instrument.Counter;

/**
 * The door of one branch queue, asked by the camera route (on the ingest thread) for every batch:
 * a closed branch (no consumer yet, or stopping) gets nothing; a full queue (the branch is slow)
 * makes the batch a drop for that branch only, and so is every later batch until one that starts
 * with a video key frame, since a decoder or muxer can only resume there. "Full" is by batch count
 * or by bytes ({@link ByteBoundedQueue}). The ingest thread is the only producer of the queue, so
 * "has room now" still holds when it offers right after.
 */
public final class BranchGate implements Predicate {

    /** Exchange property naming the branch a batch was admitted to; the branch's runner checks it. */
    static final String ADMITTED_TO = "LenswireAdmittedTo";

    private final BranchId id;
    private volatile BlockingQueue<Exchange> queue;
    private final CameraStatus status;
    private final Counter drops;
    private volatile boolean open;
    /** Dropped a batch and waits for a key frame (set by the ingest thread; cleared by open too). */
    private volatile boolean resyncing;

    BranchGate(BranchId id, CameraStatus status, Counter drops) {
        this.id = id;
        this.status = status;
        this.drops = drops;
    }

    /**
     * Route predicate of the camera route, in front of the branch's queue (the {@code ref}
     * language: called directly, without the bean language's per-call method binding).
     */
    @Override
    public boolean matches(Exchange exchange) {
        return admit(exchange);
    }

    public boolean admit(Exchange exchange) {
        BlockingQueue<Exchange> queue = this.queue;
        if (!open || queue == null) {
            return false;
        }
        PacketBatch batch = (PacketBatch) exchange.getIn().getBody();
        if (resyncing) {
            if (!batch.startsWithVideoKeyFrame()) {
                drop(batch);
                return false;
            }
            resyncing = false;
        }
        if (queue.remainingCapacity() > 0
                && (!(queue instanceof ByteBoundedQueue bounded) || bounded.hasRoomFor(batch.bytes()))) {
            exchange.setProperty(ADMITTED_TO, id);
            return true;
        }
        resyncing = true;
        drop(batch);
        return false;
    }

    private void drop(PacketBatch batch) {
        if (status != null) {
            status.dropped(batch.size());
        }
        drops.increment(batch.size());
    }

    /** The queue the camera route offers to; set once the route has started. */
    void attach(BlockingQueue<Exchange> queue) {
        this.queue = queue;
    }

    void open() {
        if (queue == null) {
            throw new IllegalStateException("branch " + id + " has no queue yet");
        }
        // not resyncing: a new branch starts at once, from the GOP cache (see BranchRunner)
        resyncing = false;
        open = true;
    }

    void close() {
        open = false;
    }

    /** The queue it guards, once attached. */
    BlockingQueue<Exchange> queue() {
        return queue;
    }
}
