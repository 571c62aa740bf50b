package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real SPS NAL units, cut out of the Annex B output of Debian's ffmpeg 5.1 with libx265 (the
 * command above each; {@code -hide_banner -loglevel error -y} left out), the sizes checked with
 * {@code ffprobe -show_streams} and the fields with {@code ffmpeg -i x.hevc -c copy -bsf:v trace_headers -f null -}.
 * x265 pads to 8 luma samples, so 1080 lines need no conformance window; odd sizes make one.
 *
 * <p>x265 never sets sub_layer_profile_present_flag or sub_layer_level_present_flag, so the two
 * "hand-built" vectors were written with a small bit writer (complete SPS, with a matching VPS
 * in front: trace_headers reads each to its rbsp_stop_one_bit); the sub-layer profile parts carry
 * non-zero compatibility flags so a wrong skip shows up in the size.
 */
class H265SpsTest {

    record Vector(String name, String hex, int width, int height) {
        byte[] bytes() {
            return HexFormat.of().parseHex(hex);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        return List.of(
                // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 -c:v libx265 -x265-params log-level=error -f hevc out.hevc
                new Vector("720p Main", "42010101600000030090000003000003005da00280802d165959a4932bc05a020000030002000003003210",
                        1280, 720),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 1 -c:v libx265 -x265-params log-level=error -f hevc out.hevc
                new Vector("1080p Main", "420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000c84",
                        1920, 1080),
                // ffmpeg -f lavfi -i testsrc2=size=1276x714:rate=25 -t 0.5 -c:v libx265 -x265-params log-level=error -f hevc out.hevc
                // 1280x720 coded, conf_win right 2 and bottom 3 in units of 2 (4:2:0)
                new Vector("1276x714 Main, conformance window",
                        "42010101600000030090000003000003005da00280802d1dc996566924caf0168080000003008000000c84", 1276, 714),
                // ffmpeg -f lavfi -i testsrc2=size=1918x1078:rate=25 -t 0.5 -c:v libx265 -pix_fmt yuv422p -x265-params log-level=error -f hevc out.hevc
                // 1920x1080 coded, conf_win right 1 in units of 2, bottom 2 in units of 1 (4:2:2)
                new Vector("1918x1078 4:2:2, conformance window",
                        "4201010408000003009d08000003000078b003c08010e75796566924caf0168080000003008000000c84", 1918, 1078),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 0.5 -c:v libx265 -pix_fmt yuv444p -x265-params log-level=error -f hevc out.hevc
                // chroma_format_idc 3: separate_colour_plane_flag (0) precedes the width
                new Vector("1080p 4:4:4", "4201010408000003009e0800000300007890007810021cb2cacd24995e02d0100000030010000003019080",
                        1920, 1080),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 0.5 -c:v libx265 -pix_fmt gray -x265-params log-level=error -f hevc out.hevc
                new Vector("1080p monochrome", "4201010408000003009fc8000003000078c00f020043965959a4932bc05b020000030002000003003210",
                        1920, 1080),
                // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 0.5 -c:v libx265 -x265-params log-level=error:temporal-layers=1 -f hevc out.hevc
                // sps_max_sub_layers_minus1 1: one flag pair, then 7 reserved_zero_2bits
                new Vector("720p two temporal sub-layers",
                        "42010201600000030090000003000003005d0000a00280802d1659598acd24995e02d0100000030010000003019080", 1280, 720),
                // ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=30000/1001 -t 0.5 -c:v libx265 -pix_fmt yuv420p10le -x265-params log-level=error -f hevc out.hevc
                new Vector("1080p Main 10", "420101022000000300900000030000030078a003c08010e4d96566924caf01680800001f480003a98040",
                        1920, 1080),

                // Hand-built: sps_max_sub_layers_minus1 3, sub-layer flags (profile, level) = (1, 1), (0, 1), (1, 0),
                // 5 reserved_zero_2bits; sps_seq_parameter_set_id 2; 4:2:2 1920x1088, conf_win left 1 + right 2 in units
                // of 2, top 3 + bottom 5 in units of 1
                new Vector("hand-built 4 sub-layers, 4:2:2 conformance window",
                        "420106016000000300900000030000030078d8002255353535c0000003000003005a5d2423434343a0000003000003006c00"
                                + "f0200441a6436595cae572bc9214a564",
                        1914, 1080),
                // Hand-built: sps_video_parameter_set_id 5, sps_max_sub_layers_minus1 6 with all sub-layer profiles and levels
                // (2 reserved_zero_2bits); sps_seq_parameter_set_id 15; 4:4:4 with separate_colour_plane_flag 1, 1280x720,
                // conf_win 1 + 1 and 2 + 2 in units of 1
                new Vector("hand-built 7 sub-layers, separate colour planes",
                        "42015c016000000300900000030000030078fff02255353535c0000003000003005a015c3c3c3c500000030000030"
                                + "05d2423434343a00000030000030060032a4a4a4a30000003000003006322315151518000000300000300660138"
                                + "585858100000030000030069081200501005a349bcb2b95cae572b95caf248529590",
                        1278, 716));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void readsTheSizeAfterTheConformanceWindow(Vector v) {
        assertThat(H265Sps.parse(v.bytes())).isEqualTo(new H265Sps.Info(v.width(), v.height()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void readsTheNalUnitInTheMiddleOfABuffer(Vector v) {
        byte[] sps = v.bytes();
        // a start code before and the next NAL unit (a PPS) right after, as in an access unit
        byte[] buffer = new byte[4 + sps.length + 7];
        buffer[3] = 1;
        System.arraycopy(sps, 0, buffer, 4, sps.length);
        System.arraycopy(new byte[] {0, 0, 1, 0x44, 0x01, (byte) 0xc1, 0x72}, 0, buffer, 4 + sps.length, 7);
        assertThat(H265Sps.parse(buffer, 4, sps.length)).isEqualTo(H265Sps.parse(sps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyTruncationThrowsIllegalArgumentOrReadsTheSameSize(Vector v) {
        byte[] sps = v.bytes();
        H265Sps.Info full = H265Sps.parse(sps);
        int parsed = 0;
        for (int length = 0; length < sps.length; length++) {
            int n = length;
            Throwable thrown = catchThrowable(() -> H265Sps.parse(sps, 0, n));
            if (thrown == null) {
                // only the conformance window is read: whatever follows it may be cut off
                assertThat(H265Sps.parse(sps, 0, length)).as("length %d", length).isEqualTo(full);
                parsed++;
            } else {
                assertThat(thrown).as("length %d", length).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("invalid H.265 SPS: ");
            }
        }
        assertThat(parsed).as("prefixes that hold the whole size").isPositive();
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
        Random random = new Random(265);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[random.nextInt(48)];
            random.nextBytes(bytes);
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[0] = 0x42; // past the header check, into the SPS syntax
                bytes[1] = 0x01;
            }
            assertOnlyIllegalArgument(bytes);
        }
    }

    @Test
    void emulationPreventionBytesAreRemovedBeforeParsing() {
        Vector v = vectors().get(0);
        // the mostly zero profile_tier_level (header, 01, compatibility 60000000, flags 900000000000, level 5d)
        // was escaped three times: read as data, each 03 would shift the size 8 bits
        String escapedPtl = "4201" + "01" + "01" + "600000030090000003000003005d";
        assertThat(v.hex()).startsWith(escapedPtl);
        byte[] rbsp = HexFormat.of().parseHex("4201" + "01" + "01" + "60000000" + "900000000000" + "5d"
                + v.hex().substring(escapedPtl.length()));
        assertThat(H265Sps.parse(rbsp)).isEqualTo(H265Sps.parse(v.bytes())).isEqualTo(new H265Sps.Info(1280, 720));
    }

    @Test
    void readsWhetherTheStreamReordersPictures() {
        // x265's default: B-frames, sps_max_num_reorder_pics 2 (trace_headers)
        assertThat(H265Sps.maxNumReorderPics(vectors().get(0).bytes())).isEqualTo(2);
        // ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 -c:v libx265 -x265-params log-level=error:bframes=0 -f hevc out.hevc
        byte[] noBFrames = HexFormat.of().parseHex("42010101600000030090000003000003005da00280802d16592a4932bc05a02000000300200000030321");
        assertThat(H265Sps.parse(noBFrames)).isEqualTo(new H265Sps.Info(1280, 720));
        assertThat(H265Sps.maxNumReorderPics(noBFrames)).isZero();
        // the temporal sub-layers vector lists the ordering info of both sub-layers; the highest one counts
        assertThat(H265Sps.maxNumReorderPics(vectors().get(6).bytes())).isEqualTo(2);
        // cut anywhere before the ordering info ends: an invalid SPS, never "no reordering"
        byte[] reorders = vectors().get(0).bytes();
        int refused = 0;
        for (int length = 0; length < reorders.length; length++) {
            byte[] cut = Arrays.copyOf(reorders, length);
            Throwable thrown = catchThrowable(() -> H265Sps.maxNumReorderPics(cut));
            if (thrown == null) {
                assertThat(H265Sps.maxNumReorderPics(cut)).as("length %d", length).isEqualTo(2);
            } else {
                assertThat(thrown).as("length %d", length).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("invalid H.265 SPS: ");
                refused++;
            }
        }
        assertThat(refused).as("cuts inside the fields read").isGreaterThan(15);
    }

    @Test
    void rejectsWhatIsNotABaseLayerSps() {
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex("4401c172b09c")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("nal_unit_type is 34, not 33");
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex("c2010101600000030090")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("forbidden_zero_bit");
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex("42090101600000030090")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("nuh_layer_id is 1");
        // sps_max_sub_layers_minus1 7 is reserved
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex("42010e01600000030090")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("sps_max_sub_layers_minus1 is 7");
        assertThatThrownBy(() -> H265Sps.parse(new byte[0]))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> H265Sps.parse(new byte[4], 3, 2))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the 4-byte array");
    }

    @Test
    void rejectsAnExpGolombCodeLongerThan32Bits() {
        // the general profile_tier_level of the 720p vector, then sps_seq_parameter_set_id with 40 leading zero bits
        String ptl = "42010101600000030090000003000003005d";
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex(ptl + "0000000000ff")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("would not fit 32 bits");
    }

    @Test
    void rejectsAbsurdSizes() {
        // Hand-built (same bit writer), 4:2:0 throughout
        // 16392 x 1080
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex(
                "420100016000000300900000030000030078a00020048010e59657924294ac80")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width after the conformance window is 16392");
        // 1280x720 with conf_win left 320 + right 320 in units of 2
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex(
                "420100016000000300900000030000030078a00280802d1805040283e595e490a52b20")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width after the conformance window is 0");
        // 1280 x 0
        assertThatThrownBy(() -> H265Sps.parse(HexFormat.of().parseHex(
                "420100016000000300900000030000030078a00280d9657924294ac8")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("height after the conformance window is 0");
        // 16384 x 8 is still a picture
        assertThat(H265Sps.parse(HexFormat.of().parseHex("420100016000000300900000030000030078a0002000896595e490a52b20")))
                .isEqualTo(new H265Sps.Info(16384, 8));
    }

    private static void assertOnlyIllegalArgument(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> H265Sps.parse(bytes));
        if (thrown != null) {
            assertThat(thrown).as(HexFormat.of().formatHex(bytes)).isExactlyInstanceOf(IllegalArgumentException.class);
        }
    }
}
