package io.lenswire.hls;

import java.util.Arrays;

/**
 * The NAL units of an Annex B access unit (each after a start code, {@code 00 00 01} or
 * {@code 00 00 00 01}), which ISO BMFF samples carry each after its 4-byte length instead: what
 * cameras send over RTSP, and what the fMP4 fragments must hold.
 *
 * <p>Units are cut as libavformat's mp4 muxer cuts them ({@code ff_nal_parse_units}), so that
 * the samples are the bytes it would write: everything between two start codes, less one zero byte
 * before the next start code (a 4-byte start code's first zero); other zero bytes stay. Empty units
 * are left out. Start-code emulation prevention guarantees that no unit contains a start code.
 */
final class AnnexB {

    private static final int HEVC_VPS = 32;
    private static final int HEVC_PPS = 34;

    private AnnexB() {
    }

    /**
     * Where each NAL unit of {@code data} starts and ends (exclusive), two ints per unit, or null
     * when {@code data} does not begin with a start code (zero bytes before it allowed): it is
     * then not Annex B.
     */
    static int[] units(byte[] data) {
        int first = startCode(data, 0);
        if (first < 0 || !zeros(data, 0, first)) {
            return null;
        }
        int[] units = new int[8];
        int count = 0;
        int start = first + 3;
        while (start >= 0) {
            int code = startCode(data, start);
            int end = code < 0 ? data.length : code;
            if (code > start && data[code - 1] == 0) {
                end--;
            }
            if (end > start) {
                if (count + 2 > units.length) {
                    units = Arrays.copyOf(units, units.length * 2);
                }
                units[count++] = start;
                units[count++] = end;
            }
            start = code < 0 ? -1 : code + 3;
        }
        return Arrays.copyOf(units, count);
    }

    /**
     * The units less H.265 parameter sets (VPS, SPS, PPS): an {@code hvc1} track carries them in
     * its sample entry only (ISO/IEC 14496-15), and libavformat leaves them out of its samples.
     */
    static int[] withoutHevcParameterSets(byte[] data, int[] units) {
        int[] kept = new int[units.length];
        int count = 0;
        for (int i = 0; i < units.length; i += 2) {
            int type = (data[units[i]] >> 1) & 0x3f;
            if (type < HEVC_VPS || type > HEVC_PPS) {
                kept[count++] = units[i];
                kept[count++] = units[i + 1];
            }
        }
        return count == units.length ? units : Arrays.copyOf(kept, count);
    }

    /** Bytes of the sample the units make: each unit and its 4-byte length. */
    static int sampleSize(int[] units) {
        int size = 0;
        for (int i = 0; i < units.length; i += 2) {
            size += 4 + units[i + 1] - units[i];
        }
        return size;
    }

    /** Writes the sample (length + unit, for each unit) at {@code offset} of {@code out}; returns the offset after it. */
    static int writeSample(byte[] data, int[] units, byte[] out, int offset) {
        int at = offset;
        for (int i = 0; i < units.length; i += 2) {
            int length = units[i + 1] - units[i];
            out[at] = (byte) (length >>> 24);
            out[at + 1] = (byte) (length >>> 16);
            out[at + 2] = (byte) (length >>> 8);
            out[at + 3] = (byte) length;
            System.arraycopy(data, units[i], out, at + 4, length);
            at += 4 + length;
        }
        return at;
    }

    /** The index of the next {@code 00 00 01} at or after {@code from}, or -1. */
    private static int startCode(byte[] data, int from) {
        for (int i = from; i + 2 < data.length; i++) {
            if ((data[i + 2] & 0xff) > 1) {
                i += 2; // no start code can end at or before i + 2: skip ahead
            } else if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    private static boolean zeros(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
