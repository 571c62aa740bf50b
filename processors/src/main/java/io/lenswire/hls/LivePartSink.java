package io.lenswire.hls;

/**
 * Where a camera's {@link LlHlsSegmenter} puts what it cuts: init sections, segment boundaries and
 * parts, in that order of calls ({@code newInit}, then per segment {@code beginSegment},
 * {@code addPart}..., {@code endSegment}).
 */
interface LivePartSink {

    /** A new init section: the first one, or a new connection's; the next segment follows a discontinuity. */
    void newInit(byte[] initSection);

    /** Opens the next segment; {@code programDateTimeMillis} is when its first sample was captured. */
    void beginSegment(long programDateTimeMillis);

    /**
     * An array of at least {@code length} bytes to cut the next part into (the sink may hand out
     * one it recycles); give it back with {@link #addPart(Chunk, long, boolean)}.
     */
    default byte[] buffer(int length) {
        return new byte[length];
    }

    /**
     * Appends one part to the open segment; the sink keeps {@code fragment}'s array, which the
     * caller no longer touches.
     */
    LivePart addPart(Chunk fragment, long durationMicros, boolean independent);

    /** {@link #addPart(Chunk, long, boolean)} of the whole of {@code fragment}. */
    default LivePart addPart(byte[] fragment, long durationMicros, boolean independent) {
        return addPart(Chunk.of(fragment), durationMicros, independent);
    }

    /** Closes the open segment. */
    void endSegment();
}
