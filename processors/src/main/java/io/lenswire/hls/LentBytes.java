package io.lenswire.hls;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Media a {@link LiveWindow} lends a reader: its own arrays, not copies, valid until
 * {@link #close()}. While lent, the window does not recycle them (see {@link FragmentBuffers}),
 * so a reader may write them to a slow client without holding the window's lock; close it once
 * written, exactly as with any resource. Not closing only costs recycling: the arrays are then
 * left to the collector.
 */
public final class LentBytes implements AutoCloseable {

    private final List<Chunk> chunks;
    /** The lending segment's reader count, or null for bytes that are never recycled. */
    private final AtomicInteger readers;
    private final AtomicBoolean closed = new AtomicBoolean();

    LentBytes(List<Chunk> chunks, AtomicInteger readers) {
        this.chunks = List.copyOf(chunks);
        this.readers = readers;
    }

    /** Bytes that are never recycled (init sections, playlists): nothing to give back. */
    static LentBytes owned(byte[] bytes) {
        return new LentBytes(List.of(Chunk.of(bytes)), null);
    }

    /** In order: their concatenation is the answer. */
    public List<Chunk> chunks() {
        return chunks;
    }

    public int length() {
        int length = 0;
        for (Chunk c : chunks) {
            length = Math.addExact(length, c.length());
        }
        return length;
    }

    /**
     * The bytes as one array the caller may keep after {@link #close()}: a single chunk that is
     * never recycled and fills its array is that array itself; anything else is copied.
     */
    public byte[] toArray() {
        if (readers == null && chunks.size() == 1 && chunks.get(0).length() == chunks.get(0).array().length) {
            return chunks.get(0).array();
        }
        byte[] out = new byte[length()];
        int at = 0;
        for (Chunk c : chunks) {
            System.arraycopy(c.array(), 0, out, at, c.length());
            at += c.length();
        }
        return out;
    }

    /** Ends the loan; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && readers != null) {
            readers.decrementAndGet();
        }
    }
}
