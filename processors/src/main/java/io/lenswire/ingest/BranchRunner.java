package io.lenswire.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Branch} on its route's consumer thread (the route's local bean {@code branch}):
 * hands it the batches of its queue packet by packet, opens it at every new connection (the first
 * time with the GOP cache's packets before the first batch), and closes it when the close marker
 * that {@link CameraPipeline#closeBranch} puts in the queue arrives, so that close runs on the same
 * thread as every write.
 */
public final class BranchRunner implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(BranchRunner.class);
    /** Queued by {@link CameraPipeline#closeBranch} behind the last admitted batch. */
    static final Object CLOSE = new Object() {
        @Override
        public String toString() {
            return "close";
        }
    };

    private final BranchId id;
    private final Branch branch;
    private final Supplier<List<EncodedPacket>> gopCache;
    private final CountDownLatch closed = new CountDownLatch(1);
    private StreamInfo stream;
    private boolean started;

    BranchRunner(BranchId id, Branch branch, Supplier<List<EncodedPacket>> gopCache) {
        this.id = id;
        this.branch = branch;
        this.gopCache = gopCache;
    }

    /**
     * Route step of a branch route ({@code process}: called directly, without the bean
     * component's per-call method binding): the body becomes the branch's results for the batch.
     */
    @Override
    public void process(Exchange exchange) {
        exchange.getIn().setBody(accept(exchange));
    }

    /** The branch's results for one batch (null when there are none). */
    public List<Object> accept(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body == CLOSE) {
            close();
            return null;
        }
        Object admittedTo = exchange.getProperty(BranchGate.ADMITTED_TO);
        if (!id.equals(admittedTo)) {
            // a template or queue renamed in one place: loud, since the packets belong elsewhere
            throw new IllegalStateException("branch " + id + " received a batch admitted to " + admittedTo
                    + "; its queue " + id.queueUri() + " is shared with another branch");
        }
        if (closed.getCount() == 0) {
            return null;
        }
        PacketBatch batch = (PacketBatch) body;
        List<Object> results = null;
        for (EncodedPacket packet : batch.packets()) {
            if (packet.stream() != stream) {
                stream = packet.stream();
                branch.open(stream, started ? List.of() : cachedBefore(packet));
                started = true;
            }
            Object result = branch.accept(packet);
            if (result != null) {
                if (results == null) {
                    results = new ArrayList<>(2);
                }
                results.add(result);
            }
        }
        return results;
    }

    /**
     * The cached packets of the packet's connection that came before it. The cache holds the very
     * packet objects that the batches carry, so the packet is found by identity; when it is no longer
     * in the cache (it moved on to a newer GOP), every cached packet is newer and none is used.
     */
    private List<EncodedPacket> cachedBefore(EncodedPacket packet) {
        List<EncodedPacket> cached = gopCache.get();
        for (int i = 0; i < cached.size(); i++) {
            if (cached.get(i) == packet) {
                return cached.subList(0, i).stream().filter(p -> p.stream() == packet.stream()).toList();
            }
        }
        return List.of();
    }

    /** Closes the branch once; on the consumer thread, or by the pipeline after the route has stopped. */
    synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        try {
            branch.close();
        } catch (RuntimeException e) {
            LOG.warn("branch {}: close failed: {}", id, e.toString());
        } finally {
            closed.countDown();
        }
    }

    boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }
}
