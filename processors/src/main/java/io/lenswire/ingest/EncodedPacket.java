package io.lenswire.ingest;

/**
 * One compressed packet copied out of FFmpeg at ingest, so that it can cross threads without
 * sharing native memory. Immutable by convention: nobody writes into {@code data}.
 *
 * @param pts,dts  in the stream's time base (see {@link StreamInfo}); {@link #NO_TIMESTAMP} when unknown
 */
public record EncodedPacket(
        String cameraId,
        StreamInfo stream,
        int streamIndex,
        boolean video,
        boolean keyFrame,
        long pts,
        long dts,
        long duration,
        byte[] data,
        long receivedNanos) {

    /** FFmpeg's AV_NOPTS_VALUE. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public boolean isVideoKeyFrame() {
        return video && keyFrame;
    }

    public int size() {
        return data.length;
    }
}
