package io.lenswire.hls;

import java.util.Arrays;

/**
 * Bytes {@code [0, length)} of {@code array}: a fragment cut into a recycled array that may be
 * longer than it, or a whole array. Nobody writes into a chunk once it is made.
 */
public record Chunk(byte[] array, int length) {

    public Chunk {
        if (length < 0 || length > array.length) {
            throw new IllegalArgumentException("length " + length + " outside an array of " + array.length);
        }
    }

    /** The whole of {@code array}. */
    static Chunk of(byte[] array) {
        return new Chunk(array, array.length);
    }

    /** The bytes in a new array of exactly {@code length}. */
    public byte[] copy() {
        return Arrays.copyOf(array, length);
    }
}
