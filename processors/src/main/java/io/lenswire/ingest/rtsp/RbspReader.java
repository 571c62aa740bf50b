package io.lenswire.ingest.rtsp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Reads one NAL unit's payload bit by bit with the H.264/H.265 descriptors u(n), ue(v) and se(v).
 *
 * <p>The emulation-prevention bytes (the 03 of each 00 00 03) are removed up front: the syntax
 * tables count bits of the RBSP, not of the escaped bytes on the wire. Reading past the end, and
 * an Exp-Golomb code whose value would not fit 32 bits, throw {@link IllegalArgumentException},
 * so a parser built on this class turns any malformed input into that one exception. One parse
 * per instance; not thread-safe.
 */
final class RbspReader {

    /** ue(v) values go up to 2^32 - 2 in both specs: 31 leading zeros. More is corrupt input. */
    private static final int MAX_LEADING_ZEROS = 31;

    private final byte[] rbsp;
    private final long bitLength;
    private long position;

    /** Reads {@code length} bytes of {@code nal} from {@code offset}: the NAL header included, still escaped. */
    RbspReader(byte[] nal, int offset, int length) {
        this.rbsp = unescape(nal, offset, length);
        this.bitLength = 8L * rbsp.length;
    }

    /** The bytes with every emulation-prevention 03 (one that follows 00 00) removed. */
    static byte[] unescape(byte[] nal, int offset, int length) {
        Objects.requireNonNull(nal, "nal");
        if (offset < 0 || length < 0 || offset > nal.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + " + " + length
                    + ") is outside the " + nal.length + "-byte array");
        }
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = nal[i];
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return n == length ? out : Arrays.copyOf(out, n);
    }

    /** Bits not read yet. */
    long bitsLeft() {
        return bitLength - position;
    }

    /** u(1). */
    boolean readFlag() {
        return readBit() == 1;
    }

    /** u(1) as 0 or 1. */
    int readBit() {
        require(1);
        int bit = (rbsp[(int) (position >>> 3)] >> (7 - (int) (position & 7))) & 1;
        position++;
        return bit;
    }

    /** u(n) for n in 0..31, so the value is never negative; {@link #readU32()} for the 32-bit fields. */
    int readBits(int n) {
        if (n < 0 || n > 31) {
            throw new IllegalStateException("readBits(" + n + "): 0..31 bits only");
        }
        require(n);
        int value = 0;
        for (int i = 0; i < n; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    /** u(32), unsigned. */
    long readU32() {
        require(32);
        return ((long) readBits(16) << 16) | readBits(16);
    }

    void skipBits(long n) {
        if (n < 0) {
            throw new IllegalStateException("skipBits(" + n + ")");
        }
        require(n);
        position += n;
    }

    /** ue(v): 0 .. 2^32 - 2. */
    long readUe() {
        long start = position;
        int zeros = 0;
        while (readBit() == 0) {
            if (++zeros > MAX_LEADING_ZEROS) {
                throw new IllegalArgumentException("Exp-Golomb code at bit " + start
                        + " has more than " + MAX_LEADING_ZEROS + " leading zero bits (its value would not fit 32 bits)");
            }
        }
        return (1L << zeros) - 1 + readBits(zeros);
    }

    /** ue(v) for a syntax element the spec bounds by {@code max}; the message names the element. */
    int readUe(String element, int max) {
        long value = readUe();
        if (value > max) {
            throw new IllegalArgumentException(element + " is " + value + ", more than " + max);
        }
        return (int) value;
    }

    void skipUe() {
        readUe();
    }

    /** se(v): -(2^31 - 1) .. 2^31 - 1. */
    int readSe() {
        long k = readUe();
        long magnitude = (k + 1) / 2;
        return (int) ((k & 1) == 1 ? magnitude : -magnitude);
    }

    private void require(long bits) {
        if (bits > bitLength - position) {
            throw new IllegalArgumentException("truncated: " + bits + " more bit(s) needed at bit " + position
                    + " of " + bitLength);
        }
    }
}
