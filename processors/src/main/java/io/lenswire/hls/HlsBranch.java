package io.lenswire.hls;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lenswire.ingest.Branch;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/** A camera's HLS branch: its muxer, written and closed on the branch's own thread. */
final class HlsBranch implements Branch {

    private static final Logger LOG = LoggerFactory.getLogger(HlsBranch.class);

    private final HlsMuxer muxer;

    HlsBranch(HlsMuxer muxer) {
        this.muxer = muxer;
    }

    /** The first connection starts from the cached GOP, so the first segment closes at once. */
    @Override
    public void open(StreamInfo stream, List<EncodedPacket> cached) {
        try {
            muxer.prime(cached);
        } catch (IOException e) {
            // only a non-empty GOP can fail
            LOG.warn("camera {}: HLS muxer could not start from the cached GOP: {}", cached.get(0).cameraId(), e.getMessage());
        }
    }

    @Override
    public Object accept(EncodedPacket packet) {
        try {
            muxer.write(packet);
        } catch (IOException e) {
            LOG.warn("camera {}: HLS muxer skipped a packet: {}", packet.cameraId(), e.getMessage());
        }
        return null;
    }

    @Override
    public void close() {
        muxer.close();
    }
}
