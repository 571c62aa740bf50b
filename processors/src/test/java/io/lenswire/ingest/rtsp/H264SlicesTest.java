package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * NAL units from the start of Debian's ffmpeg 5.1 libx264 output with B-frames
 * ({@code ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 -c:v libx264 -bf 2 -f h264 out.h264}),
 * their first 12 bytes; the slice types as {@code -bsf:v trace_headers} prints them: 7 (I), 5 (P),
 * 6 (B, not a reference), and 6 again in a reference B picture (b-pyramid).
 */
class H264SlicesTest {

    private static final String SPS = "6764001facd9405005bb0110";
    private static final String PPS = "68ebe3cb22c0";
    private static final String SEI = "0605ffffaadc45e9bde6d948";
    private static final String IDR = "658884017fd4576d6278ad3e";
    private static final String P = "419a226c49ffbcdd2db0215b";
    private static final String B = "019e41790b7ff0e54e211b86";
    private static final String REFERENCE_B = "419e8445113c25ffb627447e";

    /** Annex B with 4-byte start codes, as the depacketizer writes access units. */
    private static byte[] unit(String... nals) {
        StringBuilder hex = new StringBuilder();
        for (String nal : nals) {
            hex.append("00000001").append(nal);
        }
        return HexFormat.of().parseHex(hex.toString());
    }

    @Test
    void findsTheBPicturesAmongTheFirstFrames() {
        assertThat(H264Slices.isBPicture(unit(SPS, PPS, SEI, IDR))).isFalse();
        assertThat(H264Slices.isBPicture(unit(P))).isFalse();
        assertThat(H264Slices.isBPicture(unit(B))).isTrue();
        assertThat(H264Slices.isBPicture(unit(REFERENCE_B))).isTrue();
    }

    @Test
    void readsThePictureAfterWhateverComesBeforeItsFirstSlice() {
        assertThat(H264Slices.isBPicture(unit("09f0", SEI, B))).as("access unit delimiter and SEI first").isTrue();
        assertThat(H264Slices.isBPicture(HexFormat.of().parseHex("000001" + B))).as("3-byte start code").isTrue();
    }

    @Test
    void aUnitWithNoSliceOrACutHeaderIsNotTakenForB() {
        assertThat(H264Slices.isBPicture(unit(SPS, PPS))).isFalse();
        assertThat(H264Slices.isBPicture(unit("01"))).isFalse();
        assertThat(H264Slices.isBPicture(new byte[0])).isFalse();
        // slice_type 31: not a slice type (0..9)
        assertThat(H264Slices.isBPicture(unit("418200"))).isFalse();
    }
}
