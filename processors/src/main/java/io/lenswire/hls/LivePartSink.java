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

    /** Appends one part to the open segment; the sink keeps {@code fragment}, which the caller no longer modifies. */
    LivePart addPart(byte[] fragment, long durationMicros, boolean independent);

    /** Closes the open segment. */
    void endSegment();
}
