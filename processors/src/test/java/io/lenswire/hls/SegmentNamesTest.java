package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentNamesTest {

    @Test
    void everyNameTheMuxerWritesIsServedAndReadBackAsItsNumber() {
        for (long n : new long[] {0, 1, 174, 999_999, 1_000_000, 123_456_789, 1_000_000_000, Integer.MAX_VALUE + 1L,
                999_999_999_999_999_999L}) {
            String name = SegmentNames.media(n);
            assertThat(SegmentNames.number(name)).as(name).isEqualTo(n);
            assertThat(SegmentNames.isServable(name)).as(name).isTrue();
        }
        assertThat(SegmentNames.media(174)).isEqualTo("seg_000174.m4s");
        assertThat(SegmentNames.media(1_234_567)).isEqualTo("seg_1234567.m4s");
    }

    @Test
    void theInitSegmentIsServedButHasNoNumber() {
        assertThat(SegmentNames.isServable("init.mp4")).isTrue();
        assertThat(SegmentNames.number("init.mp4")).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "seg_1.m4s", "seg_00001.m4s", // fewer than six digits: never written
        "seg_0000001.m4s", "seg_0123456789.m4s", // padded beyond six: %06d never does that
        "seg_1000000000000000000.m4s", // 19 digits: more than the muxer counts to
        "seg_99999999999999999999999999999999999999999999999999.m4s",
        "seg_000001.m4s.tmp", "seg_000001.mp4", "seg_00000a.m4s", "seg_-00001.m4s", "seg_+00001.m4s",
        "SEG_000001.m4s", "seg_000001.M4S", "seg_ 000001.m4s", "seg_000001.m4s\u0000", "seg_٠٠٠٠٠١.m4s",
        "../seg_000001.m4s", "x/seg_000001.m4s", "index.m3u8", "init.mp4.tmp", "Init.mp4", "", ".."})
    void namesTheMuxerCannotHaveWrittenAreNotSegments(String name) {
        assertThat(SegmentNames.number(name)).as(name).isEqualTo(-1);
        assertThat(SegmentNames.isServable(name)).as(name).isFalse();
    }

    @Test
    void noNameIsNoSegment() {
        assertThat(SegmentNames.number(null)).isEqualTo(-1);
        assertThat(SegmentNames.isServable(null)).isFalse();
    }
}
