package io.lenswire.hls;

/**
 * One partial segment: one fMP4 fragment (moof+mdat), part {@code index} of segment {@code msn}.
 *
 * <p>{@code bytes}' array is the window's own (no copy per request): nobody may modify it, and
 * readers borrow it through {@link LentBytes}, since it is recycled once its segment is dropped.
 */
public record LivePart(long msn, int index, Chunk bytes, long durationMicros, boolean independent) {
}
