package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RtpDepacketizerTest {

    private static final int PT = 96;
    private final List<RtpDepacketizer.AccessUnit> units = new ArrayList<>();
    private int sequence = 1000;

    private static byte[] rtp(int seq, long timestamp, boolean marker, int pt, byte... payload) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | pt);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (timestamp >> 24);
        p[5] = (byte) (timestamp >> 16);
        p[6] = (byte) (timestamp >> 8);
        p[7] = (byte) timestamp;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    private void push(RtpDepacketizer d, long ts, boolean marker, byte... payload) {
        byte[] p = rtp(sequence++, ts, marker, PT, payload);
        d.push(p, 0, p.length, units::add);
    }

    private static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void singleNalUnitsMakeAccessUnitsAtTheMarker() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        push(d, 3000, false, bytes(0x06, 0x05, 0x01)); // SEI
        push(d, 3000, true, bytes(0x41, 0x9a, 0x02)); // non-IDR slice
        assertThat(units).hasSize(1);
        assertThat(units.get(0).data()).isEqualTo(annexB(bytes(0x06, 0x05, 0x01), bytes(0x41, 0x9a, 0x02)));
        assertThat(units.get(0).keyFrame()).isFalse();
        assertThat(units.get(0).timestamp()).isEqualTo(3000);
    }

    @Test
    void stapAAndFuAMakeOneKeyFrameWithItsParameterSets() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        byte[] sps = bytes(0x67, 0x64, 0x00, 0x1f);
        byte[] pps = bytes(0x68, 0xeb, 0xe3);
        push(d, 9000, false, bytes(0x18, 0, 4, 0x67, 0x64, 0x00, 0x1f, 0, 3, 0x68, 0xeb, 0xe3));
        // an IDR slice (header 0x65) in three fragments: FU indicator 0x7c (nri 3, type 28)
        push(d, 9000, false, bytes(0x7c, 0x85, 1, 2));
        push(d, 9000, false, bytes(0x7c, 0x05, 3, 4));
        push(d, 9000, true, bytes(0x7c, 0x45, 5));
        assertThat(units).hasSize(1);
        assertThat(units.get(0).keyFrame()).isTrue();
        assertThat(units.get(0).data()).isEqualTo(annexB(sps, pps, bytes(0x65, 1, 2, 3, 4, 5)));
        assertThat(d.sps()).isEqualTo(sps);
        assertThat(d.pps()).isEqualTo(pps);
    }

    @Test
    void aLostFragmentDropsItsNalUnitOnly() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        push(d, 100, false, bytes(0x06, 0x01));
        push(d, 100, false, bytes(0x7c, 0x81, 1));
        sequence++; // the middle fragment never arrives
        push(d, 100, true, bytes(0x7c, 0x41, 3));
        assertThat(units).hasSize(1);
        assertThat(units.get(0).data()).isEqualTo(annexB(bytes(0x06, 0x01), bytes(0x61, 1)));
    }

    @Test
    void aNewTimestampEndsAnAccessUnitWhoseMarkerWasMissing() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        push(d, 0, false, bytes(0x65, 1));
        push(d, 3600, true, bytes(0x41, 2));
        assertThat(units).extracting(RtpDepacketizer.AccessUnit::timestamp).containsExactly(0L, 3600L);
        assertThat(units).extracting(RtpDepacketizer.AccessUnit::keyFrame).containsExactly(true, false);
    }

    @Test
    void timestampsKeepRisingAcrossThe32BitWrap() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        push(d, 0xFFFFF000L, true, bytes(0x41, 1));
        push(d, 0x00000E10L, true, bytes(0x41, 2));
        assertThat(units.get(1).timestamp() - units.get(0).timestamp()).isEqualTo(0x1000 + 0xE10);
    }

    @Test
    void anAccessUnitOverTheLimitIsDroppedAndCountedWithoutGrowingPastIt() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 100);
        push(d, 0, false, bytes(0x7c, 0x85, 1));
        for (int i = 0; i < 10; i++) {
            push(d, 0, false, bytes(0x7c, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
        }
        push(d, 0, true, bytes(0x7c, 0x45, 9));
        push(d, 3600, true, bytes(0x41, 2));
        assertThat(d.oversizedDropped()).isEqualTo(1);
        assertThat(units).hasSize(1);
        assertThat(units.get(0).timestamp()).isEqualTo(3600);
    }

    @Test
    void otherPayloadTypesAndBrokenPacketsAreIgnored() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H264, PT, 0);
        byte[] other = rtp(1, 0, true, 13, (byte) 0x41, (byte) 1);
        d.push(other, 0, other.length, units::add);
        d.push(new byte[5], 0, 5, units::add);
        byte[] v1 = rtp(2, 0, true, PT, (byte) 0x41);
        v1[0] = 0x40;
        d.push(v1, 0, v1.length, units::add);
        assertThat(units).isEmpty();
        assertThat(d.malformed()).isEqualTo(2);
    }

    @Test
    void h265FragmentsAndAggregatesRebuildTheirNalHeaders() {
        RtpDepacketizer d = new RtpDepacketizer(RtpDepacketizer.Codec.H265, PT, 0);
        byte[] vps = bytes(0x40, 0x01, 0x0c);
        byte[] sps = bytes(0x42, 0x01, 0x01);
        byte[] pps = bytes(0x44, 0x01, 0xc1);
        // aggregation packet: header type 48 = 0x60 0x01
        push(d, 0, false, bytes(0x60, 0x01, 0, 3, 0x40, 0x01, 0x0c, 0, 3, 0x42, 0x01, 0x01, 0, 3, 0x44, 0x01, 0xc1));
        // IDR_W_RADL (19) in two fragments: FU header type 49 = 0x62 0x01
        push(d, 0, false, bytes(0x62, 0x01, 0x80 | 19, 7, 8));
        push(d, 0, true, bytes(0x62, 0x01, 0x40 | 19, 9));
        assertThat(units).hasSize(1);
        assertThat(units.get(0).keyFrame()).isTrue();
        assertThat(units.get(0).data()).isEqualTo(annexB(vps, sps, pps, bytes(19 << 1, 0x01, 7, 8, 9)));
        assertThat(d.vps()).isEqualTo(vps);
        assertThat(d.sps()).isEqualTo(sps);
        assertThat(d.pps()).isEqualTo(pps);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        for (RtpDepacketizer.Codec codec : RtpDepacketizer.Codec.values()) {
            RtpDepacketizer d = new RtpDepacketizer(codec, PT, 4096);
            for (int i = 0; i < 20_000; i++) {
                byte[] p = new byte[random.nextInt(64)];
                random.nextBytes(p);
                if (p.length > 1 && random.nextBoolean()) {
                    p[0] = (byte) (0x80 | (p[0] & 0x3F));
                    p[1] = (byte) ((p[1] & 0x80) | PT);
                }
                d.push(p, 0, p.length, units::add);
            }
        }
        assertThat(units).allSatisfy(u -> assertThat(u.data().length).isLessThanOrEqualTo(4096));
    }
}
