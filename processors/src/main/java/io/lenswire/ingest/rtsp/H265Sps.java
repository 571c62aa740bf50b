package io.lenswire.ingest.rtsp;

/**
 * The picture size of an H.265 stream, and whether it reorders pictures, read from its sequence
 * parameter set (ITU-T H.265 7.3.2.2.1) without a decoder. The SPS is read only as far as the
 * conformance window for the size, and to the sub-layer ordering info for the reordering: that
 * is all the ingest needs, and what follows (short-term reference picture sets before the VUI)
 * is a lot of syntax to walk for nothing.
 *
 * <p>Anything that cannot be a valid SPS throws {@link IllegalArgumentException} whose message
 * says what was wrong.
 */
public final class H265Sps {

    /** The size after the conformance window (the cropping) is applied. */
    public record Info(int width, int height) {
    }

    private static final int NAL_UNIT_TYPE_SPS = 33;
    private static final int MAX_DIMENSION = 16384;
    private static final int MAX_SUB_LAYERS_MINUS1 = 6;
    private static final int MAX_SPS_ID = 15;
    /** profile_tier_level: the general (or one sub-layer's) profile part, 2 + 1 + 5 + 32 + 4 + 43 + 1 bits. */
    private static final int PROFILE_BITS = 88;
    private static final int LEVEL_BITS = 8;
    private static final int MAX_BIT_DEPTH_MINUS8 = 8;
    private static final int MAX_LOG2_POC_LSB_MINUS4 = 12;
    /** MaxDpbSize (A.4.2): sps_max_dec_pic_buffering_minus1 is below it. */
    private static final int MAX_DPB_SIZE = 16;

    private H265Sps() {
    }

    public static Info parse(byte[] nal) {
        return parse(nal, 0, nal.length);
    }

    /** Parses one SPS NAL unit: its 2-byte header first, emulation-prevention bytes still in. */
    public static Info parse(byte[] nal, int offset, int length) {
        try {
            return read(new RbspReader(nal, offset, length));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid H.265 SPS: " + e.getMessage(), e);
        }
    }

    /**
     * {@code sps_max_num_reorder_pics} of the highest sub-layer (7.3.2.2.1): how many pictures
     * may come before one in decoding order and after it in output order. Unlike H.264's, this
     * field is not optional: 0 means the stream never reorders.
     */
    public static int maxNumReorderPics(byte[] nal) {
        try {
            RbspReader r = new RbspReader(nal, 0, nal.length);
            int maxSubLayersMinus1 = readThroughConformanceWindow(r).maxSubLayersMinus1();
            r.readUe("bit_depth_luma_minus8", MAX_BIT_DEPTH_MINUS8);
            r.readUe("bit_depth_chroma_minus8", MAX_BIT_DEPTH_MINUS8);
            r.readUe("log2_max_pic_order_cnt_lsb_minus4", MAX_LOG2_POC_LSB_MINUS4);
            boolean everySubLayer = r.readFlag(); // sps_sub_layer_ordering_info_present_flag
            int reorder = 0;
            for (int i = everySubLayer ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
                int buffering = r.readUe("sps_max_dec_pic_buffering_minus1", MAX_DPB_SIZE - 1);
                reorder = r.readUe("sps_max_num_reorder_pics", buffering);
                r.skipUe(); // sps_max_latency_increase_plus1
            }
            return reorder;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid H.265 SPS: " + e.getMessage(), e);
        }
    }

    /** The SPS read as far as the size, and the sub-layer count the fields after it need. */
    private record Start(Info size, int maxSubLayersMinus1) {
    }

    private static Info read(RbspReader r) {
        return readThroughConformanceWindow(r).size();
    }

    private static Start readThroughConformanceWindow(RbspReader r) {
        if (r.readBit() != 0) {
            throw new IllegalArgumentException("forbidden_zero_bit is set");
        }
        int nalUnitType = r.readBits(6);
        if (nalUnitType != NAL_UNIT_TYPE_SPS) {
            throw new IllegalArgumentException("nal_unit_type is " + nalUnitType + ", not " + NAL_UNIT_TYPE_SPS);
        }
        int layerId = r.readBits(6);
        if (layerId != 0) {
            // an SPS of a multi-layer extension layer (F.7.3.2.2.1) has another syntax; the base layer is what we decode
            throw new IllegalArgumentException("nuh_layer_id is " + layerId + ": only base-layer SPS are supported");
        }
        r.skipBits(3); // nuh_temporal_id_plus1

        r.skipBits(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.readBits(3);
        if (maxSubLayersMinus1 > MAX_SUB_LAYERS_MINUS1) {
            throw new IllegalArgumentException("sps_max_sub_layers_minus1 is " + maxSubLayersMinus1
                    + ", more than " + MAX_SUB_LAYERS_MINUS1);
        }
        r.skipBits(1); // sps_temporal_id_nesting_flag
        skipProfileTierLevel(r, maxSubLayersMinus1);
        r.readUe("sps_seq_parameter_set_id", MAX_SPS_ID);
        int chromaFormatIdc = r.readUe("chroma_format_idc", 3);
        boolean separateColourPlane = chromaFormatIdc == 3 && r.readFlag();
        long width = r.readUe(); // pic_width_in_luma_samples
        long height = r.readUe(); // pic_height_in_luma_samples
        if (r.readFlag()) { // conformance_window_flag
            long left = r.readUe();
            long right = r.readUe();
            long top = r.readUe();
            long bottom = r.readUe();
            // Offsets are in chroma samples (Table 6-1); separate planes are coded as monochrome ones
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
            int subHeightC = chromaArrayType == 1 ? 2 : 1;
            width -= subWidthC * (left + right);
            height -= subHeightC * (top + bottom);
        }
        checkDimension("width", width);
        checkDimension("height", height);
        return new Start(new Info((int) width, (int) height), maxSubLayersMinus1);
    }

    /** 7.3.3 with profilePresentFlag = 1. */
    private static void skipProfileTierLevel(RbspReader r, int maxSubLayersMinus1) {
        r.skipBits(PROFILE_BITS + LEVEL_BITS);
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.readFlag();
            levelPresent[i] = r.readFlag();
        }
        if (maxSubLayersMinus1 > 0) {
            // reserved_zero_2bits pad the flag pairs to 8 pairs, byte-aligning what follows
            r.skipBits(2L * (8 - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skipBits(PROFILE_BITS);
            }
            if (levelPresent[i]) {
                r.skipBits(LEVEL_BITS);
            }
        }
    }

    private static void checkDimension(String name, long value) {
        if (value <= 0 || value > MAX_DIMENSION) {
            throw new IllegalArgumentException(name + " after the conformance window is " + value
                    + ", outside 1.." + MAX_DIMENSION);
        }
    }
}
