package io.lenswire.ingest;

import java.util.Collection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.component.seda.BlockingQueueFactory;

/**
 * A SEDA queue bounded in exchanges (its capacity) and in the bytes of the {@link PacketBatch}es (or
 * single {@link EncodedPacket}s) it holds: {@link #offer(Exchange)} refuses a batch that would pass
 * the byte bound, so a camera sending huge frames fills a slow branch's queue by size long before
 * its batch count. An empty queue takes any one batch (packets are bounded by
 * {@code lenswire.ingest.max-packet-size}, batches by their window).
 * Other bodies count as zero bytes. Removal through the iterator or bulk removal is not counted;
 * SEDA uses neither.
 */
final class ByteBoundedQueue extends LinkedBlockingQueue<Exchange> {

    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();

    ByteBoundedQueue(int capacity, long maxBytes) {
        super(capacity);
        this.maxBytes = maxBytes;
    }

    /** Makes these queues for every SEDA endpoint of a component. */
    static BlockingQueueFactory<Exchange> factory(long maxBytes) {
        return new BlockingQueueFactory<>() {
            @Override
            public BlockingQueue<Exchange> create() {
                return new ByteBoundedQueue(Integer.MAX_VALUE, maxBytes);
            }

            @Override
            public BlockingQueue<Exchange> create(int capacity) {
                return new ByteBoundedQueue(capacity, maxBytes);
            }
        };
    }

    static long sizeOf(Exchange exchange) {
        if (exchange == null) {
            return 0;
        }
        Object body = exchange.getIn().getBody();
        return body instanceof PacketBatch b ? b.bytes() : body instanceof EncodedPacket p ? p.size() : 0;
    }

    boolean hasRoomFor(long size) {
        long held = bytes.get();
        return held == 0 || held + size <= maxBytes;
    }

    long bytes() {
        return bytes.get();
    }

    @Override
    public boolean offer(Exchange e) {
        long size = sizeOf(e);
        if (!hasRoomFor(size)) {
            return false;
        }
        bytes.addAndGet(size); // before the packet is visible, so a fast consumer never drives it negative
        if (super.offer(e)) {
            return true;
        }
        bytes.addAndGet(-size);
        return false;
    }

    @Override
    public boolean offer(Exchange e, long timeout, TimeUnit unit) throws InterruptedException {
        long size = sizeOf(e);
        bytes.addAndGet(size);
        if (super.offer(e, timeout, unit)) {
            return true;
        }
        bytes.addAndGet(-size);
        return false;
    }

    @Override
    public void put(Exchange e) throws InterruptedException {
        long size = sizeOf(e);
        bytes.addAndGet(size);
        try {
            super.put(e);
        } catch (InterruptedException ex) {
            bytes.addAndGet(-size);
            throw ex;
        }
    }

    @Override
    public Exchange poll() {
        return taken(super.poll());
    }

    @Override
    public Exchange poll(long timeout, TimeUnit unit) throws InterruptedException {
        return taken(super.poll(timeout, unit));
    }

    @Override
    public Exchange take() throws InterruptedException {
        return taken(super.take());
    }

    @Override
    public boolean remove(Object o) {
        if (super.remove(o)) {
            bytes.addAndGet(-sizeOf((Exchange) o));
            return true;
        }
        return false;
    }

    @Override
    public int drainTo(Collection<? super Exchange> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Exchange> c, int maxElements) {
        int n = 0;
        Exchange e;
        while (n < maxElements && (e = poll()) != null) {
            c.add(e);
            n++;
        }
        return n;
    }

    @Override
    public void clear() {
        while (poll() != null) {
            // each poll subtracts its packet's bytes
        }
    }

    private Exchange taken(Exchange e) {
        if (e != null) {
            bytes.addAndGet(-sizeOf(e));
        }
        return e;
    }
}
