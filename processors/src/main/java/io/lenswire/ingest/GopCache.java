package io.lenswire.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The packets of one camera from the key frame <em>before</em> its latest one until now: the last
 * complete GOP and the current one. A muxer that starts later begins with these, so its first
 * segment (the complete GOP) closes at once instead of at the camera's next key frame, whatever
 * the camera's GOP length. Written by the ingest thread, read by any; each GOP is bounded by
 * {@code maxPackets}, and both together by {@code maxBytes}: above it the complete GOP goes first
 * (a muxer then starts at the current GOP and waits for the next key frame, as with one GOP), and a
 * current GOP alone above it is broken, like one above {@code maxPackets}.
 */
public final class GopCache implements Processor {

    private final int maxPackets;
    private final long maxBytes;
    private List<EncodedPacket> previous = new ArrayList<>();
    private List<EncodedPacket> current = new ArrayList<>();
    private long previousBytes;
    private long currentBytes;
    private StreamInfo stream;

    public GopCache(int maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /**
     * Route step of the camera route ({@code process}: called directly, without the bean
     * component's per-call method binding, for every batch of every camera).
     */
    @Override
    public void process(Exchange exchange) {
        remember((PacketBatch) exchange.getIn().getBody());
    }

    /** Every packet of the batch, in order. */
    public synchronized void remember(PacketBatch batch) {
        for (EncodedPacket packet : batch.packets()) {
            add(packet);
        }
    }

    public synchronized void add(EncodedPacket packet) {
        if (packet.stream() != stream) { // a new connection: its timestamps do not follow the old ones
            stream = packet.stream();
            clear();
        }
        if (packet.isVideoKeyFrame() && !current.isEmpty()) {
            List<EncodedPacket> complete = current;
            current = previous;
            current.clear();
            previous = complete;
            previousBytes = currentBytes;
            currentBytes = 0;
        }
        if (current.isEmpty() && !packet.isVideoKeyFrame()) {
            return; // a GOP always starts at a key frame
        }
        if (current.size() >= maxPackets || currentBytes + packet.size() > maxBytes) {
            clear(); // a GOP this long is broken; wait for the next key frame
            return;
        }
        current.add(packet);
        currentBytes += packet.size();
        if (previousBytes + currentBytes > maxBytes) {
            previous.clear();
            previousBytes = 0;
        }
    }

    /** The last complete GOP and the current GOP, oldest first; empty until the first key frame arrives. */
    public synchronized List<EncodedPacket> snapshot() {
        List<EncodedPacket> packets = new ArrayList<>(previous.size() + current.size());
        packets.addAll(previous);
        packets.addAll(current);
        return List.copyOf(packets);
    }

    public synchronized void clear() {
        previous.clear();
        current.clear();
        previousBytes = 0;
        currentBytes = 0;
    }
}
