package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AnnexBTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void cutsUnitsAtThreeAndFourByteStartCodesLessTheFourByteCodesFirstZero() {
        byte[] au = bytes(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 1, 0x65, 4, 5, 6);
        assertThat(AnnexB.units(au)).containsExactly(4, 6, 10, 13, 16, 18, 21, 25);
        assertThat(AnnexB.sampleSize(AnnexB.units(au))).isEqualTo(4 * 4 + 2 + 3 + 2 + 4);
    }

    @Test
    void writesEachUnitAfterItsBigEndianLength() {
        byte[] au = bytes(0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x65, 9);
        int[] units = AnnexB.units(au);
        byte[] out = new byte[AnnexB.sampleSize(units) + 2];
        int end = AnnexB.writeSample(au, units, out, 1);
        assertThat(end).isEqualTo(1 + 7 + 6);
        assertThat(out).containsExactly(0, 0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x65, 9, 0);
    }

    @Test
    void keepsZerosAtTheEndAndBeforeAStartCodeBeyondTheFirstAsLibavformatDoes() {
        byte[] au = bytes(0, 0, 1, 0x41, 7, 0, 0, 0, 0, 1, 0x41, 8, 0, 0);
        assertThat(AnnexB.units(au)).containsExactly(3, 6, 10, 14);
    }

    @Test
    void leavesOutEmptyUnits() {
        assertThat(AnnexB.units(bytes(0, 0, 1, 0, 0, 1, 0x65, 1))).containsExactly(6, 8);
        assertThat(AnnexB.units(bytes(0, 0, 1))).isEmpty();
    }

    @Test
    void dataThatDoesNotBeginWithAStartCodeIsNotAnnexB() {
        assertThat(AnnexB.units(bytes(0, 0, 0, 5, 0x65, 1, 2, 3, 4))).isNull(); // a length-prefixed sample
        assertThat(AnnexB.units(bytes(7, 0, 0, 1, 0x65))).isNull();
        assertThat(AnnexB.units(new byte[0])).isNull();
        assertThat(AnnexB.units(bytes(0, 0))).isNull();
    }

    @Test
    void startCodesAfterBytesAbove127AreFound() {
        byte[] au = bytes(0, 0, 1, 0x65, 0xff, 0x80, 0xfe, 0, 0, 1, 0x41, 0x9a);
        assertThat(AnnexB.units(au)).containsExactly(3, 7, 10, 12);
    }

    @Test
    void dropsOnlyHevcParameterSets() {
        // AUD (35), VPS (32), SPS (33), PPS (34), prefix SEI (39), IDR slice (19): type in bits 1-6 of the first byte
        byte[] au = bytes(0, 0, 1, 35 << 1, 1, 0x50, 0, 0, 1, 32 << 1, 1, 0xa, 0, 0, 1, 33 << 1, 1, 0xb,
                0, 0, 1, 34 << 1, 1, 0xc, 0, 0, 1, 39 << 1, 1, 0xd, 0, 0, 1, 19 << 1, 1, 0xe);
        int[] units = AnnexB.units(au);
        assertThat(units).hasSize(12);
        int[] kept = AnnexB.withoutHevcParameterSets(au, units);
        assertThat(kept).containsExactly(3, 6, 27, 30, 33, 36);
        int[] none = AnnexB.units(bytes(0, 0, 1, 19 << 1, 1, 0xe));
        assertThat(AnnexB.withoutHevcParameterSets(au, none)).isSameAs(none);
    }

    @Test
    void roundTripsRandomUnitsWithoutStartCodesInThem() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int count = 1 + random.nextInt(6);
            byte[][] nals = new byte[count][];
            ByteBuffer annexB = ByteBuffer.allocate(64 * 1024);
            for (int i = 0; i < count; i++) {
                byte[] nal = new byte[1 + random.nextInt(300)];
                random.nextBytes(nal);
                for (int k = 0; k < nal.length; k++) {
                    if (nal[k] == 0) {
                        nal[k] = 3; // no zeros: no emulated start code, no trailing zero
                    }
                }
                nals[i] = nal;
                annexB.put(random.nextBoolean() ? bytes(0, 0, 0, 1) : bytes(0, 0, 1)).put(nal);
            }
            byte[] au = java.util.Arrays.copyOf(annexB.array(), annexB.position());
            int[] units = AnnexB.units(au);
            byte[] sample = new byte[AnnexB.sampleSize(units)];
            AnnexB.writeSample(au, units, sample, 0);
            ByteBuffer read = ByteBuffer.wrap(sample);
            for (byte[] nal : nals) {
                assertThat(read.getInt()).isEqualTo(nal.length);
                byte[] got = new byte[nal.length];
                read.get(got);
                assertThat(got).isEqualTo(nal);
            }
            assertThat(read.hasRemaining()).isFalse();
        }
    }
}
