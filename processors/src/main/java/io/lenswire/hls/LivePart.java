package io.lenswire.hls;

/** One partial segment: one fMP4 fragment (moof+mdat). */
public record LivePart(long msn, int index, byte[] bytes, long durationMicros, boolean independent) {
}
