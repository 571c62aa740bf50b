package io.lenswire.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups a camera's packets into {@link PacketBatch}es on the ingest thread, so that the route and
 * the branch queues handle one exchange per batch instead of one per packet (a Camel exchange per
 * packet cost more CPU than ffmpeg's whole read loop). A batch is handed on once its first packet
 * has waited {@code windowNanos} (checked as packets arrive), or at {@code maxPackets}; a video key
 * frame always starts a new batch. A window of 0 gives one packet per batch.
 */
final class PacketBatcher {

    private final long windowNanos;
    private final int maxPackets;
    private final List<EncodedPacket> pending = new ArrayList<>();
    private long pendingBytes;

    PacketBatcher(long windowNanos, int maxPackets) {
        this.windowNanos = windowNanos;
        this.maxPackets = Math.max(1, maxPackets);
    }

    /**
     * Adds a packet; answers the batches that are complete now, oldest first (none, the pending one
     * closed by this key frame, and/or the one this packet completes).
     */
    List<PacketBatch> add(EncodedPacket packet) {
        List<PacketBatch> ready = List.of();
        if (packet.isVideoKeyFrame() && !pending.isEmpty()) {
            ready = new ArrayList<>(2);
            ready.add(take());
        }
        pending.add(packet);
        pendingBytes += packet.size();
        if (pending.size() >= maxPackets || packet.receivedNanos() - pending.get(0).receivedNanos() >= windowNanos) {
            if (ready.isEmpty()) {
                return List.of(take());
            }
            ready.add(take());
        }
        return ready;
    }

    /** The pending packets as a batch (at the end of a connection), or null when none wait. */
    PacketBatch flush() {
        return pending.isEmpty() ? null : take();
    }

    private PacketBatch take() {
        PacketBatch batch = new PacketBatch(pending.get(0).cameraId(), pending, pendingBytes);
        pending.clear();
        pendingBytes = 0;
        return batch;
    }
}
