package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real SPS NAL units, cut out of the Annex B output of Debian's ffmpeg 5.1 with libx264 (the
 * command above each; {@code -hide_banner -loglevel error -y} left out), the expected values
 * checked against {@code ffprobe -show_streams} (width, height, r_frame_rate) and the fields
 * against {@code ffmpeg -i x.h264 -c copy -bsf:v trace_headers -f null -}.
 *
 * <p>x264 never writes a sequence scaling matrix (it puts it in the PPS), pic_order_cnt_type 1,
 * separate colour planes or VCL HRD parameters, so the "hand-built" vectors were written with a
 * small bit writer; trace_headers reads each of them to its rbsp_stop_one_bit, and ffprobe gave
 * the size (and rate) of each spliced in front of x264 slices, except the one with separate
 * colour planes, which libavcodec does not decode (its twin with the flag cleared gave 1918x1080, 60/1).
 */
class H264SpsTest {

    record Vector(String name, String hex, H264Sps.Info expected) {
        byte[] bytes() {
            return HexFormat.of().parseHex(hex);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Vector vector(String name, String hex, int width, int height, double fps, int reorder) {
        return new Vector(name, hex, new H264Sps.Info(width, height, fps, reorder));
    }

    static List<Vector> vectors() {
        return List.of(
                // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 -c:v libx264 -bf 0 -f h264 out.h264
                // High, pic_order_cnt_type 2, no cropping; the 00 00 03 sits inside the timing info
                vector("720p25 High, no B-frames", "6764001facb200a00b760220000003002000000641e30649", 1280, 720, 25, 0),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx264 -f h264 out.h264
                // 1088 coded, frame_crop_bottom_offset 4 in units of 2 (4:2:0, frames only)
                vector("1080p25 High", "67640028acd940780227e5c044000003000400000300c83c60c658", 1920, 1080, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=640x360:rate=30000/1001 -t 1 -c:v libx264 -profile:v baseline -f h264 out.h264
                // Constrained Baseline: no chroma_format_idc; 368 coded, crop 4 x 2; 60000 / (2 x 1001)
                vector("360p29.97 Baseline", "6742c01ed900a02ff9701100000303e90000ea600f162e48", 640, 360, 30000.0 / 1001, 0),
                // ffmpeg -f lavfi -i testsrc2=size=720x576:rate=25 -t 1 -c:v libx264 -flags +ildct+ilme -x264opts interlaced=1 -f h264 out.h264
                // frame_mbs_only_flag 0: 18 map units of 32 lines, no cropping; pic_struct_present_flag
                vector("576i25 High MBAFF", "6764001eacd940b424d8088000000300800000190f8a14cb", 720, 576, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx264 -flags +ildct+ilme -x264opts interlaced=1 -f h264 out.h264
                // 34 map units = 1088 lines; frame_crop_bottom_offset 2 in units of 4 (2 x 2 for fields)
                vector("1080i25 High MBAFF", "67640028acd94078044fde0220000003002000000643e2c5b2c0", 1920, 1080, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx264 -pix_fmt yuv444p -f h264 out.h264
                // High 4:4:4 Predictive (244): chroma_format_idc 3, separate_colour_plane_flag 0, crop 8 x 1
                vector("1080p25 High 4:4:4", "67f40028919b280f0044fc4e0220000003002000000641e30632c0", 1920, 1080, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 -c:v libx264 -b:v 1M -maxrate 1M -bufsize 1M
                //     -x264-params nal-hrd=cbr -f h264 out.h264
                // nal_hrd_parameters_present_flag 1 (one CBR CPB) and low_delay_hrd_flag before bitstream_restriction
                vector("720p25 NAL HRD", "6764001facd9405005bb01100000030010000003032604000f424001e84e4c30078c18cb", 1280, 720, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx264 -pix_fmt gray -f h264 out.h264
                // chroma_format_idc 0: crop 8 in units of 1; video_signal_type without colour description
                vector("1080p25 monochrome", "67640028f36501e0089f89c05b20000003002000000641e30632c0", 1920, 1080, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx264 -pix_fmt gray -flags +ildct+ilme
                //     -x264opts interlaced=1 -f h264 out.h264
                // chroma_format_idc 0 and fields: crop 4 in units of 2
                vector("1080i25 monochrome", "67640028f36501e0113f2e02d9000003000100000300321f162d96", 1920, 1080, 25, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1918x1078:rate=24000/1001,setsar=7/5 -t 1 -c:v libx264 -pix_fmt yuv422p
                //     -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range pc
                //     -x264-params cqm=jvt:overscan=show:chromaloc=1:nal-hrd=vbr -b:v 2M -maxrate 2M -bufsize 2M -f h264 out.h264
                // High 4:2:2 (122): crop right 1 x 2, bottom 10 x 1; Extended_SAR 7:5, overscan, colour description, NAL HRD
                vector("1918x1078p23.976 High 4:2:2 with everything in the VUI",
                        "677a0028bcd940780227a8bffc001c0016dc04040500000303e90000bb80626000f424001e84a4c30078c18cb0",
                        1918, 1078, 24000.0 / 1001, 2),
                // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=50 -t 0.5 -c:v libx264 -pix_fmt yuv420p10le -x264-params chromaloc=2 -f h264 out.h264
                // High 10 (110): bit depths 2/2, chroma_loc_info_present_flag
                vector("720p50 High 10", "676e0020a6cd9405005bb012dc000003000400000301903c60c658", 1280, 720, 50, 2),

                // Hand-built: High 4:4:4 (244), separate_colour_plane_flag 1, seq_scaling_matrix_present_flag with 12 lists
                // (4x4: 0 full, 2 default (first delta -8), 5 full; 8x8: 6, 8, 11 full, 9 default), pic_order_cnt_type 1
                // with a 3-entry cycle, 1920x1088 cropped right 2 and bottom 8 in units of 1; VUI: Extended_SAR 4:3, overscan,
                // colour description, chroma_loc, 120000 / (2 x 1000), NAL HRD with 2 CPBs, VCL HRD with 3, low_delay_hrd_flag,
                // pic_struct_present_flag, no bitstream_restriction
                vector("hand-built 4:4:4 separate planes, 12 scaling lists, POC type 1, both HRDs",
                        "67f4003393b98c6318c6318c6318096642263870e1c380863870e1c380863870ec50a142850a14047142850a14285011c"
                                + "50a142850a14047142850a14285011c50a142850a14047142850a14285011c50a142850a14047142850a1428530b0"
                                + "582c0ec2c160b03b0b0581d8582c16076160b0581d8582c0ec2c160b03b0b0582c0ec2c16076160b0581d8582c0ec2"
                                + "c160b03b0b0582c0ec2c16076160b0581d8582c16076160b03b0b422c341a0d0370d0681b868340dc341a06e1a0d03"
                                + "70d0681b868340dc341a06e1a0d0370d0681b868340dc341a06e1a0d0370d068340dc341a06e1a0d0370d0681b8683"
                                + "40dc341a06e1a0d0370d50e8841638a03c0113dc4ffe00080007ea1220134a000007d00003a981a130003d090001e8"
                                + "4a0003d0900007a122f7be2c4d310b0000f120800009fbf25ef7c680",
                        1918, 1080, 60, -1),
                // Hand-built: High 4:2:0 with frame_mbs_only_flag 0, 8 scaling lists (list 3 ends early, list 7 default),
                // pic_order_cnt_type 1 with an empty cycle, 34 map units cropped left 2 (units of 2) and bottom 2 (units of 4);
                // VUI: 60000 / (2 x 1001), VCL HRD only, bitstream_restriction with max_num_reorder_frames 1
                vector("hand-built interlaced, 8 scaling lists, VCL HRD",
                        "67640028adc50a142850a14047142850a142851c2266318c6318c6318c602598c6318c6318c63012cc6318c6318c631809"
                                + "66318c6318c6318c602598c6318c631a11af280f0089dee100000303e90000ea60313f7bdf06d0442089",
                        1916, 1080, 30000.0 / 1001, 1),
                // Hand-built: Baseline CIF without VUI
                vector("hand-built CIF without VUI", "6742001ed941609640", 352, 288, 0, -1),
                // Hand-built: High 4:2:2, 720x576 cropped left/right 1 (units of 2), top 3 / bottom 5 (units of 1);
                // VUI without timing info, bitstream_restriction with max_num_reorder_frames 0
                vector("hand-built 4:2:2 crop, VUI without timing", "677a0029bcd940b41274886c0407844235", 716, 568, 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void readsTheSizeRateAndReordering(Vector v) {
        H264Sps.Info info = H264Sps.parse(v.bytes());
        assertThat(info.width()).isEqualTo(v.expected().width());
        assertThat(info.height()).isEqualTo(v.expected().height());
        assertThat(info.fps()).isCloseTo(v.expected().fps(), within(1e-9));
        assertThat(info.maxNumReorderFrames()).isEqualTo(v.expected().maxNumReorderFrames());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void readsTheNalUnitInTheMiddleOfABuffer(Vector v) {
        byte[] sps = v.bytes();
        // a start code before and the next NAL unit (a PPS) right after, as in an access unit
        byte[] buffer = new byte[4 + sps.length + 6];
        buffer[3] = 1;
        System.arraycopy(sps, 0, buffer, 4, sps.length);
        System.arraycopy(new byte[] {0, 0, 1, 0x68, (byte) 0xeb, (byte) 0xe3}, 0, buffer, 4 + sps.length, 6);
        assertThat(H264Sps.parse(buffer, 4, sps.length)).isEqualTo(H264Sps.parse(sps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyTruncationThrowsIllegalArgumentOrReadsTheSameValues(Vector v) {
        byte[] sps = v.bytes();
        H264Sps.Info full = H264Sps.parse(sps);
        for (int length = 0; length < sps.length; length++) {
            int n = length;
            Throwable thrown = catchThrowable(() -> H264Sps.parse(sps, 0, n));
            if (thrown == null) {
                // the fields read all lie in the prefix, so the values cannot differ
                assertThat(H264Sps.parse(sps, 0, length)).as("length %d", length).isEqualTo(full);
            } else {
                assertThat(thrown).as("length %d", length).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("invalid H.264 SPS: ");
            }
        }
        assertThatThrownBy(() -> H264Sps.parse(sps, 0, 1)).hasMessageContaining("truncated");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everySingleBitFlipThrowsIllegalArgumentOrParses(Vector v) {
        byte[] sps = v.bytes();
        for (int bit = 0; bit < sps.length * 8; bit++) {
            byte[] flipped = sps.clone();
            flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            assertOnlyIllegalArgument(flipped);
        }
    }

    @Test
    void randomBytesThrowOnlyIllegalArgument() {
        Random random = new Random(264);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[random.nextInt(48)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = 0x67; // past the header check, into the SPS syntax
            }
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[1] = (byte) new int[] {66, 77, 100, 110, 122, 244}[random.nextInt(6)];
            }
            assertOnlyIllegalArgument(bytes);
        }
    }

    @Test
    void emulationPreventionBytesAreRemovedBeforeParsing() {
        Vector v = vectors().get(0);
        // num_units_in_tick 1 and time_scale 50 are mostly zero bits: the encoder escaped them
        assertThat(v.hex()).contains("0000030020000006");
        H264Sps.Info escaped = H264Sps.parse(v.bytes());
        assertThat(escaped.fps()).isEqualTo(25.0);
        // the same RBSP without the 03: were the 03 read as data, the timing info would be 8 bits off
        byte[] rbsp = HexFormat.of().parseHex(v.hex().replace("0000030020000006", "00000020000006"));
        assertThat(H264Sps.parse(rbsp)).isEqualTo(escaped);
    }

    @Test
    void rejectsWhatIsNotAnSps() {
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("68ebe3cb22c0")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("nal_unit_type is 8, not 7");
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("e764001facb200a00b76")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("forbidden_zero_bit");
        assertThatThrownBy(() -> H264Sps.parse(new byte[0]))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> H264Sps.parse(new byte[4], 2, 3))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the 4-byte array");
        assertThatThrownBy(() -> H264Sps.parse(new byte[4], -1, 2)).isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAnExpGolombCodeLongerThan32Bits() {
        // seq_parameter_set_id with 40 leading zero bits
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("6742001e" + "0000000000ff")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("would not fit 32 bits");
    }

    @Test
    void rejectsOutOfRangeFields() {
        // High profile, seq_parameter_set_id 0 (ue 1), chroma_format_idc 4 (ue 00101)
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("6764001f" + "97ff")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("chroma_format_idc is 4, more than 3");
    }

    @Test
    void rejectsAbsurdSizes() {
        // Hand-built Baseline: 1025 MBs wide (16400)
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("6742001ed94004010964")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("width after cropping is 16400");
        // 352x288 with 72 + 72 crop units of 2 off the height
        assertThatThrownBy(() -> H264Sps.parse(HexFormat.of().parseHex("6742001ed9416097c0920494")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("height after cropping is 0");
        // 1024 MBs (16384) by 1 is still a picture
        assertThat(H264Sps.parse(HexFormat.of().parseHex("6742001ed9400400e4")))
                .isEqualTo(new H264Sps.Info(16384, 16, 0, -1));
    }

    private static void assertOnlyIllegalArgument(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> H264Sps.parse(bytes));
        if (thrown != null) {
            assertThat(thrown).as(HexFormat.of().formatHex(bytes)).isExactlyInstanceOf(IllegalArgumentException.class);
        }
    }
}
