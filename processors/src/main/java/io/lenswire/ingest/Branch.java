package io.lenswire.ingest;

import java.util.List;

/**
 * What consumes one camera's packets in a branch (the HLS muxer, face analytics). Every method is
 * called on the branch's own consumer thread, one at a time, so a branch owns its native state
 * without locks: {@link #open} when the first packet of a connection arrives, {@link #accept} for
 * every packet, and {@link #close} exactly once at the end, also when the branch is stopped from
 * another thread (see {@link CameraPipeline#closeBranch}).
 */
public interface Branch {

    /**
     * A connection starts (the branch's first, or a reconnect). {@code cached} are the camera's
     * cached packets of that connection from a key frame up to the one about to be accepted; empty
     * after a reconnect.
     */
    void open(StreamInfo stream, List<EncodedPacket> cached);

    /** One packet; answers its result for the branch route (e.g. a face event), or null. Never throws for a bad packet. */
    Object accept(EncodedPacket packet);

    /** Frees everything the branch holds. */
    void close();
}
