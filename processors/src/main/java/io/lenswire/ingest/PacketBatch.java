package io.lenswire.ingest;

import java.util.List;

/**
 * The packets one camera delivered within one batch window (see {@link PacketBatcher}), in read
 * order: the body of every exchange on a camera's route and its branch queues. A batch never holds
 * a video key frame after its first packet, so a branch that must resume at a key frame can do so
 * at a batch boundary.
 */
public record PacketBatch(String cameraId, List<EncodedPacket> packets, long bytes) {

    public PacketBatch {
        packets = List.copyOf(packets);
    }

    public static PacketBatch of(EncodedPacket... packets) {
        long bytes = 0;
        for (EncodedPacket p : packets) {
            bytes += p.size();
        }
        return new PacketBatch(packets[0].cameraId(), List.of(packets), bytes);
    }

    public boolean startsWithVideoKeyFrame() {
        return !packets.isEmpty() && packets.get(0).isVideoKeyFrame();
    }

    public int size() {
        return packets.size();
    }

    public EncodedPacket first() {
        return packets.get(0);
    }
}
