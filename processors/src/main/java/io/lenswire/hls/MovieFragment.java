package io.lenswire.hls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * ISO BMFF movie fragments ({@code moof} + {@code mdat}, ISO/IEC 14496-12 §8.8) for the tracks of
 * an init section libavformat wrote: samples are collected per track and written as one fragment
 * by {@link #finish()}, one {@code traf} per track that has samples, the tracks' samples one
 * after the other in the {@code mdat}.
 *
 * <p>Written as libavformat's mp4 muxer writes them with {@code default_base_moof}: {@code mfhd}
 * numbered from 1, {@code tfhd} with only the track id and default-base-is-moof, {@code tfdt}
 * (version 1), {@code trun} with the data offset and each sample's duration, size and flags (and,
 * for video, its composition offset; version 1 when one is negative). A sample lasts until the
 * next one's decode time; the fragment's last sample lasts the duration it was given.
 *
 * <p>Why not libavformat for the fragments too: it took a JNI call, a native packet allocation and
 * copy per packet and a dynamic buffer grown and freed per part; this is one copy into one array
 * per part.
 *
 * <p>Not thread-safe: one thread (the camera's HLS branch) adds and finishes.
 */
final class MovieFragment {

    /** sample_depends_on = 2: the sample is a key frame (every audio sample is one). */
    static final int SYNC_SAMPLE = 0x02000000;
    /** sample_depends_on = 1 and sample_is_non_sync_sample. */
    static final int NON_SYNC_SAMPLE = 0x01010000;

    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    private static final int TRUN_DATA_OFFSET = 0x000001;
    private static final int TRUN_DURATION = 0x000100;
    private static final int TRUN_SIZE = 0x000200;
    private static final int TRUN_FLAGS = 0x000400;
    private static final int TRUN_COMPOSITION_OFFSET = 0x000800;

    private static final Chunk EMPTY = new Chunk(new byte[0], 0);

    private final Track[] tracks;
    private int sequence;

    /**
     * @param trackIds              the init section's track ids, in the order samples are added by index
     * @param compositionOffsets    per track: whether its samples carry composition offsets (video)
     */
    MovieFragment(int[] trackIds, boolean[] compositionOffsets) {
        tracks = new Track[trackIds.length];
        for (int i = 0; i < trackIds.length; i++) {
            tracks[i] = new Track(trackIds[i], compositionOffsets[i]);
        }
    }

    /**
     * Adds a sample of track {@code track} to the open fragment. Times are in the track's
     * timescale; decode times must increase per track.
     *
     * @param units the NAL units of an Annex B {@code data} ({@link AnnexB#units}), or null to
     *              copy {@code data} as it is
     */
    void add(int track, byte[] data, int[] units, long dts, long pts, long duration, boolean sync) {
        tracks[track].add(data, units, dts, pts, duration, sync);
    }

    /** Forgets the samples added since the last {@link #finish()}. */
    void discard() {
        for (Track t : tracks) {
            t.clear();
        }
    }

    boolean isEmpty() {
        for (Track t : tracks) {
            if (t.count > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * moof + mdat of the samples added since the last call, which it forgets, cut into an array
     * from {@code buffers} (asked for at least the fragment's size); empty when none were.
     */
    Chunk finish(IntFunction<byte[]> buffers) {
        if (isEmpty()) {
            return EMPTY;
        }
        int moofSize = 8 + 16;
        long mdatSize = 8;
        for (Track t : tracks) {
            if (t.count > 0) {
                moofSize += t.trafSize();
                mdatSize += t.dataSize();
            }
        }
        if (moofSize + mdatSize > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a fragment of " + (moofSize + mdatSize) + " bytes");
        }
        int size = moofSize + (int) mdatSize;
        byte[] out = buffers.apply(size);
        if (out.length < size) {
            throw new IllegalStateException("an array of " + out.length + " bytes for a fragment of " + size);
        }
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(moofSize).put(box("moof"));
        b.putInt(16).put(box("mfhd")).putInt(0).putInt(++sequence);
        int dataOffset = moofSize + 8;
        for (Track t : tracks) {
            if (t.count > 0) {
                t.writeTraf(b, dataOffset);
                dataOffset += t.dataSize();
            }
        }
        b.putInt((int) mdatSize).put(box("mdat"));
        int at = b.position();
        for (Track t : tracks) {
            if (t.count > 0) {
                at = t.writeSamples(out, at);
                t.clear();
            }
        }
        return new Chunk(out, size);
    }

    private static byte[] box(String type) {
        return new byte[] {(byte) type.charAt(0), (byte) type.charAt(1), (byte) type.charAt(2), (byte) type.charAt(3)};
    }

    /** One track's samples in the open fragment, in parallel arrays grown as needed. */
    private static final class Track {
        private final int id;
        private final boolean compositionOffsets;
        private int count;
        private byte[][] data = new byte[16][];
        private int[][] units = new int[16][];
        private int[] sizes = new int[16];
        private long[] dts = new long[16];
        private long[] cts = new long[16];
        private boolean[] sync = new boolean[16];
        private long lastDuration;
        private int dataSize;

        Track(int id, boolean compositionOffsets) {
            this.id = id;
            this.compositionOffsets = compositionOffsets;
        }

        void add(byte[] sample, int[] nalUnits, long decodeTime, long presentationTime, long duration, boolean key) {
            if (count == data.length) {
                int n = count * 2;
                data = Arrays.copyOf(data, n);
                units = Arrays.copyOf(units, n);
                sizes = Arrays.copyOf(sizes, n);
                dts = Arrays.copyOf(dts, n);
                cts = Arrays.copyOf(cts, n);
                sync = Arrays.copyOf(sync, n);
            }
            int size = nalUnits == null ? sample.length : AnnexB.sampleSize(nalUnits);
            data[count] = sample;
            units[count] = nalUnits;
            sizes[count] = size;
            dts[count] = decodeTime;
            cts[count] = presentationTime - decodeTime;
            sync[count] = key;
            count++;
            lastDuration = duration;
            dataSize += size;
        }

        int dataSize() {
            return dataSize;
        }

        private int sampleFields() {
            return compositionOffsets ? 16 : 12;
        }

        private int trunSize() {
            return 8 + 4 + 4 + 4 + count * sampleFields();
        }

        int trafSize() {
            return 8 + 16 + 20 + trunSize();
        }

        void writeTraf(ByteBuffer b, int dataOffset) {
            b.putInt(trafSize()).put(box("traf"));
            b.putInt(16).put(box("tfhd")).putInt(TFHD_DEFAULT_BASE_IS_MOOF).putInt(id);
            b.putInt(20).put(box("tfdt")).putInt(1 << 24).putLong(dts[0]);
            int flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS;
            boolean negative = false;
            if (compositionOffsets) {
                flags |= TRUN_COMPOSITION_OFFSET;
                for (int i = 0; i < count; i++) {
                    negative |= cts[i] < 0;
                }
            }
            b.putInt(trunSize()).put(box("trun"));
            b.putInt((negative ? 1 << 24 : 0) | flags).putInt(count).putInt(dataOffset);
            for (int i = 0; i < count; i++) {
                long duration = i + 1 < count ? dts[i + 1] - dts[i] : lastDuration;
                b.putInt((int) Math.min(Math.max(duration, 0), 0xffffffffL));
                b.putInt(sizes[i]);
                b.putInt(sync[i] ? SYNC_SAMPLE : NON_SYNC_SAMPLE);
                if (compositionOffsets) {
                    b.putInt((int) Math.max(Math.min(cts[i], Integer.MAX_VALUE), Integer.MIN_VALUE));
                }
            }
        }

        int writeSamples(byte[] out, int offset) {
            int at = offset;
            for (int i = 0; i < count; i++) {
                if (units[i] == null) {
                    System.arraycopy(data[i], 0, out, at, sizes[i]);
                    at += sizes[i];
                } else {
                    at = AnnexB.writeSample(data[i], units[i], out, at);
                }
            }
            return at;
        }

        void clear() {
            Arrays.fill(data, 0, count, null);
            Arrays.fill(units, 0, count, null);
            count = 0;
            dataSize = 0;
        }
    }
}
