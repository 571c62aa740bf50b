package io.lenswire.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One media segment of a {@link LiveWindow}: its parts and what the playlist says about it. Not
 * thread-safe: the window guards it.
 *
 * <p>Durations are kept in microseconds and printed in milliseconds by rounding the running
 * total at every part boundary: the printed parts then sum to the printed EXTINF exactly, and no
 * part prints longer than its whole-millisecond ceiling.
 */
final class LiveSegment {

    final long msn;
    final int init;
    final boolean discontinuity;
    final long programDateTimeMillis;
    /**
     * Readers holding this segment's parts now ({@link LentBytes}): taken under the window's read
     * lock, given back without it. The window recycles a dropped segment's arrays only when none.
     */
    final AtomicInteger readers = new AtomicInteger();
    private final List<LivePart> parts = new ArrayList<>();
    /** Running totals: ends[i] = duration of parts 0..i, microseconds. */
    private final List<Long> ends = new ArrayList<>();
    private long bytes;
    private boolean complete;

    LiveSegment(long msn, int init, boolean discontinuity, long programDateTimeMillis) {
        this.msn = msn;
        this.init = init;
        this.discontinuity = discontinuity;
        this.programDateTimeMillis = programDateTimeMillis;
    }

    LivePart add(Chunk fragment, long durationMicros, boolean independent) {
        LivePart part = new LivePart(msn, parts.size(), fragment, durationMicros, independent);
        parts.add(part);
        ends.add(durationMicros() + durationMicros);
        bytes += fragment.array().length;
        return part;
    }

    void complete() {
        complete = true;
    }

    boolean isComplete() {
        return complete;
    }

    int partCount() {
        return parts.size();
    }

    LivePart part(int index) {
        return parts.get(index);
    }

    List<LivePart> parts() {
        return parts;
    }

    /** Memory its parts' arrays take (whole arrays: a recycled one may be longer than its part). */
    long bytes() {
        return bytes;
    }

    long durationMicros() {
        return ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
    }

    /** The EXTINF (or, while open, the parts so far) in whole milliseconds. */
    long durationMillis() {
        return roundMillis(durationMicros());
    }

    /** Part {@code index}'s DURATION in whole milliseconds (see the class comment). */
    long partMillis(int index) {
        long start = index == 0 ? 0 : ends.get(index - 1);
        return roundMillis(ends.get(index)) - roundMillis(start);
    }

    static long roundMillis(long micros) {
        return (micros + 500) / 1000;
    }
}
