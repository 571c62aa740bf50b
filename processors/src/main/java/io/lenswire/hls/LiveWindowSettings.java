package io.lenswire.hls;

import java.time.Duration;

/**
 * How a camera's {@link LiveWindow} cuts and bounds its media.
 *
 * @param partTarget    the EXT-X-PART-INF PART-TARGET: no part the producer adds should be longer
 * @param segmentTarget the configured segment length; the first EXT-X-TARGETDURATION is its ceiling
 * @param maxSegments   complete segments kept (and listed) besides the open one
 * @param maxBytes      init sections plus parts held; oldest complete segments go first above it
 * @param maxWaiters    blocking reloads pending at once; one more is refused rather than queued
 */
public record LiveWindowSettings(Duration partTarget, Duration segmentTarget, int maxSegments, long maxBytes, int maxWaiters) {

    public LiveWindowSettings {
        if (partTarget == null || partTarget.toMillis() < 1) {
            throw new IllegalArgumentException("partTarget must be at least 1 ms: " + partTarget);
        }
        if (segmentTarget == null || segmentTarget.compareTo(partTarget) < 0) {
            throw new IllegalArgumentException("segmentTarget must be at least partTarget: " + segmentTarget);
        }
        if (maxSegments < 1) {
            throw new IllegalArgumentException("maxSegments must be at least 1: " + maxSegments);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (maxWaiters < 0) {
            throw new IllegalArgumentException("maxWaiters must not be negative: " + maxWaiters);
        }
    }

    /** PART-TARGET as the playlist prints it (whole milliseconds). */
    long partTargetMillis() {
        return (partTarget.toNanos() + 500_000) / 1_000_000;
    }

    /** The first EXT-X-TARGETDURATION: the segment target rounded up to whole seconds. */
    long initialTargetSeconds() {
        return Math.max(1, (segmentTarget.toNanos() + 999_999_999) / 1_000_000_000);
    }
}
