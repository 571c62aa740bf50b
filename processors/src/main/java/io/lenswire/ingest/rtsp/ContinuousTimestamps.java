package io.lenswire.ingest.rtsp;

/**
 * A camera's access-unit timestamps (RTP, unwrapped), made to go on when the camera's clock goes
 * back: an encoder restart, or a server seeking a stream it shares between clients. From such a
 * step on, every timestamp is shifted so that the stream continues one frame after the last, as
 * players and the HLS segmenter (which drops what does not move forward) need it to. Forward
 * jumps (a camera that paused) are kept: they are real time.
 *
 * <p>Not a B-frame detector: a stream that reorders frames is refused before it gets here.
 */
public final class ContinuousTimestamps {

    private final long defaultStep;
    private final long maxStep;
    private long shift;
    private long last = Long.MIN_VALUE;
    private long lastStep;
    private long backSteps;

    /**
     * @param defaultStep the step to go on with when there was no step yet (a frame at the nominal rate)
     * @param maxStep     longest step to go on with (a pause before the clock went back is not repeated)
     */
    public ContinuousTimestamps(long defaultStep, long maxStep) {
        if (defaultStep <= 0 || maxStep < defaultStep) {
            throw new IllegalArgumentException("defaultStep must be positive and at most maxStep");
        }
        this.defaultStep = defaultStep;
        this.maxStep = maxStep;
    }

    /** The stream's timestamp for an access unit the camera stamped {@code cameraTimestamp}. */
    public long next(long cameraTimestamp) {
        long timestamp = cameraTimestamp + shift;
        if (last != Long.MIN_VALUE) {
            if (timestamp < last) {
                long continued = last + (lastStep > 0 ? lastStep : defaultStep);
                shift += continued - timestamp;
                timestamp = continued;
                backSteps++;
            } else if (timestamp > last) {
                lastStep = Math.min(timestamp - last, maxStep);
            }
        }
        last = timestamp;
        return timestamp;
    }

    /** Whether the timestamps were shifted so far (a caller hands out new values only then). */
    public boolean shifted() {
        return shift != 0;
    }

    /** How many times the camera's clock went back. */
    public long backSteps() {
        return backSteps;
    }
}
