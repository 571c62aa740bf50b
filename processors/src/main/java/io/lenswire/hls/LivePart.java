package io.lenswire.hls;

/**
 * One partial segment: one fMP4 fragment (moof+mdat), part {@code index} of segment {@code msn},
 * bytes {@code [0, length)} of {@code buffer}.
 *
 * <p>{@code buffer} is the window's own (no copy per request): nobody may modify it, and readers
 * borrow it through {@link LentBytes}, since it is recycled once its segment is dropped.
 */
public record LivePart(long msn, int index, byte[] buffer, int length, long durationMicros, boolean independent) {

    Chunk chunk() {
        return new Chunk(buffer, length);
    }
}
