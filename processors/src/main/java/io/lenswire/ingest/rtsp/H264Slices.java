package io.lenswire.ingest.rtsp;

/**
 * Whether an H.264 access unit is a B picture, from its first slice header (ITU-T H.264
 * 7.3.3: {@code first_mb_in_slice}, then {@code slice_type}). A stream may reorder frames only if
 * it has B pictures; the SPS says so only in its optional VUI, so a stream whose SPS is silent
 * shows it here, at the first B picture.
 */
public final class H264Slices {

    private static final int NAL_SLICE = 1;
    private static final int NAL_IDR_SLICE = 5;
    /** Enough escaped bytes for the NAL header, first_mb_in_slice (at most 27 bits) and slice_type (at most 7). */
    private static final int HEADER_BYTES = 16;
    private static final int MAX_SLICE_TYPE = 9;
    private static final int B_SLICE = 1;

    private H264Slices() {
    }

    /**
     * Whether the first slice of {@code accessUnit} (Annex B: NAL units after 00 00 01 start
     * codes) is a B slice. False when it has no slice, or its header cannot be read.
     */
    public static boolean isBPicture(byte[] accessUnit) {
        int zeros = 0;
        for (int i = 0; i < accessUnit.length - 1; i++) {
            byte b = accessUnit[i];
            if (b == 1 && zeros >= 2) {
                int type = accessUnit[i + 1] & 0x1F;
                if (type == NAL_SLICE || type == NAL_IDR_SLICE) {
                    return sliceType(accessUnit, i + 1) % 5 == B_SLICE;
                }
            }
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return false;
    }

    /** slice_type of the slice NAL unit at {@code offset}, or -1 when its header is cut short or invalid. */
    private static int sliceType(byte[] accessUnit, int offset) {
        try {
            RbspReader r = new RbspReader(accessUnit, offset, Math.min(HEADER_BYTES, accessUnit.length - offset));
            r.skipBits(8); // NAL header
            r.skipUe(); // first_mb_in_slice
            return r.readUe("slice_type", MAX_SLICE_TYPE);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
