package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class RbspReaderTest {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static RbspReader reader(String hex) {
        byte[] bytes = hex(hex);
        return new RbspReader(bytes, 0, bytes.length);
    }

    @Test
    void removesOnlyThe03ThatFollowsTwoZeros() {
        assertThat(RbspReader.unescape(hex("0000030000030100"), 0, 8)).isEqualTo(hex("000000000100"));
        assertThat(RbspReader.unescape(hex("00000303"), 0, 4)).as("the byte after an escape is data").isEqualTo(hex("000003"));
        assertThat(RbspReader.unescape(hex("000300000003"), 0, 6)).as("one zero, or three").isEqualTo(hex("0003000000"));
        assertThat(RbspReader.unescape(hex("ff000003"), 0, 4)).as("at the very end (cabac_zero_word)").isEqualTo(hex("ff0000"));
        assertThat(RbspReader.unescape(hex("aa00000301bb"), 1, 4)).as("only the range").isEqualTo(hex("000001"));
    }

    @Test
    void readsFixedWidthFields() {
        RbspReader r = reader("a5ffffffff0f");
        assertThat(r.readBits(3)).isEqualTo(0b101);
        assertThat(r.readFlag()).isFalse();
        assertThat(r.readBits(4)).isEqualTo(0b0101);
        assertThat(r.readU32()).isEqualTo(0xffffffffL);
        assertThat(r.readBits(0)).isZero();
        r.skipBits(4);
        assertThat(r.bitsLeft()).isEqualTo(4);
        assertThat(r.readBits(4)).isEqualTo(0xf);
        assertThatThrownBy(r::readBit).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("truncated: 1 more bit(s) needed at bit 48 of 48");
    }

    @Test
    void readsExpGolombCodes() {
        // 1 | 010 | 011 | 00100 | 00101 | 00110 | 00111 | 0001000 -> 0 1 2 3 4 5 6 7, then padding
        RbspReader r = reader("a64298e200");
        for (int expected = 0; expected < 8; expected++) {
            assertThat(r.readUe()).isEqualTo(expected);
        }
        // se(v) maps 0, 1, 2, 3, 4 to 0, 1, -1, 2, -2
        RbspReader s = reader("a64280");
        assertThat(new int[] {s.readSe(), s.readSe(), s.readSe(), s.readSe(), s.readSe()}).containsExactly(0, 1, -1, 2, -2);
    }

    @Test
    void readsTheLargestExpGolombCodeAndNoLarger() {
        // 31 zeros, a one, 31 ones: 2^32 - 2
        assertThat(reader("00000001ffffffff").readUe()).isEqualTo(0xfffffffeL);
        // se(v) alternates signs: 2^32 - 2 is the most negative, 2^32 - 3 the most positive
        assertThat(reader("00000001ffffffff").readSe()).isEqualTo(-Integer.MAX_VALUE);
        assertThat(reader("00000001fffffffc").readSe()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> reader("0000000080000000ff").readUe()).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 31 leading zero bits");
        assertThatThrownBy(() -> reader("000001").readUe()).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> reader("0000").readUe()).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void namesAnOutOfRangeElement() {
        assertThatThrownBy(() -> reader("28").readUe("chroma_format_idc", 3))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("chroma_format_idc is 4, more than 3");
        assertThat(reader("20").readUe("log2_max_frame_num_minus4", 12)).isEqualTo(3);
    }
}
