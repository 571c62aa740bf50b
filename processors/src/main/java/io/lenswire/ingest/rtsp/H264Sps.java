package io.lenswire.ingest.rtsp;

/**
 * The picture size, frame rate and frame reordering of an H.264 stream, read from its sequence
 * parameter set (ITU-T H.264 7.3.2.1.1 and Annex E.1.1) without a decoder: an RTSP camera hands
 * the SPS over before any picture, and the ingest needs these before it can describe the stream.
 *
 * <p>Every field up to the end of the VUI is walked, even the ones thrown away, because each
 * one shifts the bits of those after it. Anything that cannot be a valid SPS throws
 * {@link IllegalArgumentException} whose message says what was wrong.
 */
public final class H264Sps {

    /**
     * @param fps                 time_scale / (2 * num_units_in_tick) from the VUI timing info
     *                            (a frame is two field ticks), or 0 when the SPS has none
     * @param maxNumReorderFrames from the VUI bitstream restriction, or -1 when the SPS does not say
     */
    public record Info(int width, int height, double fps, int maxNumReorderFrames) {
    }

    private static final int NAL_UNIT_TYPE_SPS = 7;
    private static final int MAX_DIMENSION = 16384;
    private static final int EXTENDED_SAR = 255;
    /** Spec bounds used to reject garbage early, with a message naming the field. */
    private static final int MAX_SPS_ID = 31;
    private static final int MAX_BIT_DEPTH_MINUS8 = 6;
    private static final int MAX_LOG2_MINUS4 = 12;
    private static final int MAX_POC_CYCLE = 255;
    private static final int MAX_CPB_CNT_MINUS1 = 31;
    private static final int MAX_CHROMA_LOC_TYPE = 5;
    private static final int MAX_DPB_FRAMES = 16;

    private H264Sps() {
    }

    public static Info parse(byte[] nal) {
        return parse(nal, 0, nal.length);
    }

    /** Parses one SPS NAL unit: its 1-byte header first, emulation-prevention bytes still in. */
    public static Info parse(byte[] nal, int offset, int length) {
        try {
            return read(new RbspReader(nal, offset, length));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid H.264 SPS: " + e.getMessage(), e);
        }
    }

    private static Info read(RbspReader r) {
        if (r.readBit() != 0) {
            throw new IllegalArgumentException("forbidden_zero_bit is set");
        }
        r.skipBits(2); // nal_ref_idc
        int nalUnitType = r.readBits(5);
        if (nalUnitType != NAL_UNIT_TYPE_SPS) {
            throw new IllegalArgumentException("nal_unit_type is " + nalUnitType + ", not " + NAL_UNIT_TYPE_SPS);
        }
        int profileIdc = r.readBits(8);
        r.skipBits(16); // constraint_set0..5_flag, reserved_zero_2bits, level_idc
        r.readUe("seq_parameter_set_id", MAX_SPS_ID);

        int chromaFormatIdc = 1; // inferred 4:2:0 for the profiles that do not code it
        boolean separateColourPlane = false;
        if (codesChromaFormat(profileIdc)) {
            chromaFormatIdc = r.readUe("chroma_format_idc", 3);
            if (chromaFormatIdc == 3) {
                separateColourPlane = r.readFlag();
            }
            r.readUe("bit_depth_luma_minus8", MAX_BIT_DEPTH_MINUS8);
            r.readUe("bit_depth_chroma_minus8", MAX_BIT_DEPTH_MINUS8);
            r.skipBits(1); // qpprime_y_zero_transform_bypass_flag
            if (r.readFlag()) { // seq_scaling_matrix_present_flag
                // 4:4:4 adds 8x8 lists for Cb and Cr: 6 4x4 lists, then 2 or 6 8x8 ones
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.readFlag()) { // seq_scaling_list_present_flag[i]
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.readUe("log2_max_frame_num_minus4", MAX_LOG2_MINUS4);
        int picOrderCntType = r.readUe("pic_order_cnt_type", 2);
        if (picOrderCntType == 0) {
            r.readUe("log2_max_pic_order_cnt_lsb_minus4", MAX_LOG2_MINUS4);
        } else if (picOrderCntType == 1) {
            r.skipBits(1); // delta_pic_order_always_zero_flag
            r.readSe(); // offset_for_non_ref_pic
            r.readSe(); // offset_for_top_to_bottom_field
            int cycle = r.readUe("num_ref_frames_in_pic_order_cnt_cycle", MAX_POC_CYCLE);
            for (int i = 0; i < cycle; i++) {
                r.readSe(); // offset_for_ref_frame[i]
            }
        }
        r.skipUe(); // max_num_ref_frames
        r.skipBits(1); // gaps_in_frame_num_value_allowed_flag
        long widthInMbs = r.readUe() + 1;
        long heightInMapUnits = r.readUe() + 1;
        boolean frameMbsOnly = r.readFlag();
        if (!frameMbsOnly) {
            r.skipBits(1); // mb_adaptive_frame_field_flag
        }
        r.skipBits(1); // direct_8x8_inference_flag

        // A map unit is a macroblock pair (two fields) unless the stream is frames only (7.4.2.1.1)
        int fieldFactor = frameMbsOnly ? 1 : 2;
        long width = widthInMbs * 16;
        long height = heightInMapUnits * fieldFactor * 16;
        if (r.readFlag()) { // frame_cropping_flag
            long left = r.readUe();
            long right = r.readUe();
            long top = r.readUe();
            long bottom = r.readUe();
            // Crop offsets are in chroma samples, and in field lines for field streams (eq. 7-19 .. 7-22)
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int cropUnitX = chromaArrayType == 0 || chromaArrayType == 3 ? 1 : 2;
            int subHeightC = chromaArrayType == 1 ? 2 : 1;
            int cropUnitY = subHeightC * fieldFactor;
            width -= cropUnitX * (left + right);
            height -= cropUnitY * (top + bottom);
        }
        checkDimension("width", width);
        checkDimension("height", height);

        double fps = 0;
        int maxNumReorderFrames = -1;
        if (r.readFlag()) { // vui_parameters_present_flag
            Vui vui = readVui(r);
            fps = vui.fps;
            maxNumReorderFrames = vui.maxNumReorderFrames;
        }
        return new Info((int) width, (int) height, fps, maxNumReorderFrames);
    }

    private record Vui(double fps, int maxNumReorderFrames) {
    }

    private static Vui readVui(RbspReader r) {
        if (r.readFlag()) { // aspect_ratio_info_present_flag
            if (r.readBits(8) == EXTENDED_SAR) { // aspect_ratio_idc
                r.skipBits(32); // sar_width, sar_height
            }
        }
        if (r.readFlag()) { // overscan_info_present_flag
            r.skipBits(1); // overscan_appropriate_flag
        }
        if (r.readFlag()) { // video_signal_type_present_flag
            r.skipBits(4); // video_format, video_full_range_flag
            if (r.readFlag()) { // colour_description_present_flag
                r.skipBits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
            }
        }
        if (r.readFlag()) { // chroma_loc_info_present_flag
            r.readUe("chroma_sample_loc_type_top_field", MAX_CHROMA_LOC_TYPE);
            r.readUe("chroma_sample_loc_type_bottom_field", MAX_CHROMA_LOC_TYPE);
        }
        double fps = 0;
        if (r.readFlag()) { // timing_info_present_flag
            long numUnitsInTick = r.readU32();
            long timeScale = r.readU32();
            r.skipBits(1); // fixed_frame_rate_flag
            if (numUnitsInTick > 0 && timeScale > 0) {
                fps = timeScale / (2.0 * numUnitsInTick);
            }
        }
        boolean nalHrd = r.readFlag();
        if (nalHrd) {
            skipHrdParameters(r);
        }
        boolean vclHrd = r.readFlag();
        if (vclHrd) {
            skipHrdParameters(r);
        }
        if (nalHrd || vclHrd) {
            r.skipBits(1); // low_delay_hrd_flag
        }
        r.skipBits(1); // pic_struct_present_flag
        int maxNumReorderFrames = -1;
        if (r.readFlag()) { // bitstream_restriction_flag
            r.skipBits(1); // motion_vectors_over_pic_boundaries_flag
            r.skipUe(); // max_bytes_per_pic_denom
            r.skipUe(); // max_bits_per_mb_denom
            r.skipUe(); // log2_max_mv_length_horizontal
            r.skipUe(); // log2_max_mv_length_vertical
            maxNumReorderFrames = r.readUe("max_num_reorder_frames", MAX_DPB_FRAMES);
            r.readUe("max_dec_frame_buffering", MAX_DPB_FRAMES);
        }
        return new Vui(fps, maxNumReorderFrames);
    }

    /** E.1.2. */
    private static void skipHrdParameters(RbspReader r) {
        int cpbCnt = r.readUe("cpb_cnt_minus1", MAX_CPB_CNT_MINUS1) + 1;
        r.skipBits(8); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < cpbCnt; i++) {
            r.skipUe(); // bit_rate_value_minus1[i]
            r.skipUe(); // cpb_size_value_minus1[i]
            r.skipBits(1); // cbr_flag[i]
        }
        // initial_cpb_removal_delay_length_minus1, cpb_removal_delay_length_minus1,
        // dpb_output_delay_length_minus1, time_offset_length
        r.skipBits(20);
    }

    /** 7.3.2.1.1.1: the list is delta coded, and a next scale of 0 ends it early. */
    private static void skipScalingList(RbspReader r, int size) {
        int lastScale = 8;
        for (int j = 0; j < size; j++) {
            int delta = r.readSe();
            if (delta < -128 || delta > 127) {
                throw new IllegalArgumentException("delta_scale is " + delta + ", outside -128..127");
            }
            int nextScale = Math.floorMod(lastScale + delta, 256);
            if (nextScale == 0) {
                return; // the rest of the list repeats lastScale (or j == 0: the default list)
            }
            lastScale = nextScale;
        }
    }

    /** The profiles whose SPS carries chroma_format_idc and the fields after it (7.3.2.1.1). */
    private static boolean codesChromaFormat(int profileIdc) {
        return switch (profileIdc) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    private static void checkDimension(String name, long value) {
        if (value <= 0 || value > MAX_DIMENSION) {
            throw new IllegalArgumentException(name + " after cropping is " + value + ", outside 1.." + MAX_DIMENSION);
        }
    }
}
