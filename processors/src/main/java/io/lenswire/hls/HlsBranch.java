package io.lenswire.hls;

import java.util.List;

import io.lenswire.ingest.Branch;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/** A camera's HLS branch: its LL-HLS segmenter, written and closed on the branch's own thread. */
final class HlsBranch implements Branch {

    private final LlHlsSegmenter segmenter;

    HlsBranch(LlHlsSegmenter segmenter) {
        this.segmenter = segmenter;
    }

    /** Starts from the cached GOP, so the first parts are there at once and a player starts a GOP back. */
    @Override
    public void open(StreamInfo stream, List<EncodedPacket> cached) {
        for (EncodedPacket p : cached) {
            segmenter.write(p);
        }
    }

    @Override
    public Object accept(EncodedPacket packet) {
        segmenter.write(packet);
        return null;
    }

    @Override
    public void close() {
        segmenter.close();
    }
}
