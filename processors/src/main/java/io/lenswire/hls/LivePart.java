package io.lenswire.hls;

/**
 * One partial segment: one fMP4 fragment (moof+mdat), part {@code index} of segment {@code msn}.
 *
 * <p>{@code bytes} is shared with every reader (no copy per request): nobody may modify it.
 */
public record LivePart(long msn, int index, byte[] bytes, long durationMicros, boolean independent) {
}
