package io.lenswire.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The packets of one camera from its latest video key frame until now, so that a muxer that
 * starts later can begin with a complete GOP instead of waiting for the next key frame.
 * Written by the ingest thread, read by any; bounded by {@code maxPackets}.
 */
public final class GopCache {

    private final int maxPackets;
    private final List<EncodedPacket> packets = new ArrayList<>();

    public GopCache(int maxPackets) {
        this.maxPackets = maxPackets;
    }

    public synchronized void add(EncodedPacket packet) {
        boolean newConnection = !packets.isEmpty() && packets.get(0).stream() != packet.stream();
        if (packet.isVideoKeyFrame() || newConnection) {
            packets.clear();
        }
        if (packets.isEmpty() && !packet.isVideoKeyFrame()) {
            return; // a GOP always starts at a key frame
        }
        if (packets.size() >= maxPackets) {
            packets.clear(); // a GOP this long is broken; wait for the next key frame
            return;
        }
        packets.add(packet);
    }

    /** The current GOP, oldest first; empty until the first key frame arrives. */
    public synchronized List<EncodedPacket> snapshot() {
        return List.copyOf(packets);
    }

    public synchronized void clear() {
        packets.clear();
    }
}
