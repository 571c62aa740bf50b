package io.lenswire.ingest;

/**
 * What one connection to a camera carries, read once when the stream opens. A new connection
 * gives a new instance (with a higher {@code generation}), which is how downstream branches notice
 * a reconnect and insert a discontinuity.
 *
 * @param codec       FFmpeg codec name of the video stream: {@code h264} or {@code hevc}
 * @param extradata   codec private data (SPS/PPS/VPS) a muxer needs; never modified
 * @param audio       the first audio stream, or null when the camera sends none
 */
public record StreamInfo(
        long generation,
        int videoStreamIndex,
        String codec,
        int codecId,
        int width,
        int height,
        double fps,
        int timeBaseNum,
        int timeBaseDen,
        byte[] extradata,
        AudioInfo audio) {

    public record AudioInfo(int streamIndex, String codec, int codecId, int sampleRate, int channels,
                            int timeBaseNum, int timeBaseDen, byte[] extradata) {
    }
}
