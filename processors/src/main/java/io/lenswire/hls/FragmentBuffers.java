package io.lenswire.hls;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arrays one camera's fMP4 parts are cut into, handed back when their segment leaves the
 * {@link LiveWindow} and cut into again. Why: a part lives as long as its segment is listed
 * (about seven seconds), long enough to be copied between survivor spaces and promoted, and then
 * dies in the old generation; at 100 cameras that was 25 MB/s of old-generation garbage, and the
 * parallel collector's full collection every ~10 s (docs/benchmarks.md, stop 28). Recycled arrays
 * stay alive instead, so the old generation stops filling with parts.
 *
 * <p>Bounded: at most {@code maxArrays} free arrays; one more handed back is left to the
 * collector. A free array is taken for a part that fills at least half of it (or would get an
 * array of its size anyway); otherwise a new array is made, its size rounded up to
 * {@link #GRANULE} so that parts of similar size share arrays. Thread-safe.
 */
final class FragmentBuffers {

    static final int GRANULE = 4096;

    private final int maxArrays;
    /** Free arrays by length. */
    private final TreeMap<Integer, ArrayDeque<byte[]>> free = new TreeMap<>();
    private int count;
    private long made;

    FragmentBuffers(int maxArrays) {
        if (maxArrays < 0) {
            throw new IllegalArgumentException("maxArrays must not be negative: " + maxArrays);
        }
        this.maxArrays = maxArrays;
    }

    /** An array of at least {@code length} bytes: a free one that fits, else a new one. */
    synchronized byte[] take(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        long rounded = ((long) length + GRANULE - 1) / GRANULE * GRANULE;
        Map.Entry<Integer, ArrayDeque<byte[]>> fit = free.ceilingEntry(length);
        if (fit != null && fit.getKey() <= Math.max(2L * length, rounded)) {
            byte[] array = fit.getValue().pop();
            if (fit.getValue().isEmpty()) {
                free.remove(fit.getKey());
            }
            count--;
            return array;
        }
        made++;
        return new byte[(int) Math.min(Integer.MAX_VALUE - 8, rounded)];
    }

    /** Hands {@code array} back: nobody reads or writes it any more. */
    synchronized void give(byte[] array) {
        if (count >= maxArrays || array.length == 0) {
            return;
        }
        free.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
        count++;
    }

    /** Free arrays held now. */
    synchronized int free() {
        return count;
    }

    /** Arrays made so far (not taken from the free ones). */
    synchronized long made() {
        return made;
    }
}
