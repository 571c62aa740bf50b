package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentNamesTest {

    @Test
    void everySegmentNameReadsBackAsItsNumber() {
        for (long n : new long[] {0, 1, 174, 999_999, 1_000_000, 123_456_789, 1_000_000_000, Integer.MAX_VALUE + 1L,
                999_999_999_999_999_999L}) {
            String name = SegmentNames.media(n);
            assertThat(SegmentNames.number(name)).as(name).isEqualTo(n);
            assertThat(SegmentNames.kind(name)).as(name).isEqualTo(SegmentNames.Kind.MEDIA);
        }
        assertThat(SegmentNames.media(0)).isEqualTo("seg_000000.m4s");
        assertThat(SegmentNames.media(174)).isEqualTo("seg_000174.m4s");
        assertThat(SegmentNames.media(999_999)).isEqualTo("seg_999999.m4s");
        assertThat(SegmentNames.media(Long.MAX_VALUE)).isEqualTo("seg_" + Long.MAX_VALUE + ".m4s");
        assertThat(SegmentNames.media(1_234_567)).isEqualTo("seg_1234567.m4s");
    }

    @Test
    void theOldDiskMuxersInitNameIsNoNameAnyMore() {
        assertThat(SegmentNames.kind("init.mp4")).isEqualTo(SegmentNames.Kind.UNKNOWN);
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
    void namesNeverGivenAreNotSegments(String name) {
        assertThat(SegmentNames.number(name)).as(name).isEqualTo(-1);
        assertThat(SegmentNames.kind(name)).as(name).isEqualTo(SegmentNames.Kind.UNKNOWN);
    }

    @Test
    void noNameIsNoSegment() {
        assertThat(SegmentNames.number(null)).isEqualTo(-1);
        assertThat(SegmentNames.kind(null)).isEqualTo(SegmentNames.Kind.UNKNOWN);
    }

    @Test
    void everyPartAndInitNameTheLiveWindowWritesReadsBackAndIsNoOtherKind() {
        for (long msn : new long[] {0, 12, 999_999, 1_000_000, 999_999_999_999_999_999L}) {
            for (int index : new int[] {0, 1, 9, 10, 123, Integer.MAX_VALUE}) {
                String name = SegmentNames.part(msn, index);
                assertThat(SegmentNames.part(name)).as(name).contains(new SegmentNames.PartName(msn, index));
                assertThat(SegmentNames.kind(name)).as(name).isEqualTo(SegmentNames.Kind.PART);
                assertThat(SegmentNames.number(name)).as(name).isEqualTo(-1);
                assertThat(SegmentNames.initIndex(name)).as(name).isEqualTo(-1);
            }
        }
        assertThat(SegmentNames.part(12, 0)).isEqualTo("part_000012_0.m4s");
        assertThat(SegmentNames.part(1_234_567, 13)).isEqualTo("part_1234567_13.m4s");
        for (int k : new int[] {0, 1, 10, Integer.MAX_VALUE}) {
            String name = SegmentNames.init(k);
            assertThat(SegmentNames.initIndex(name)).as(name).isEqualTo(k);
            assertThat(SegmentNames.kind(name)).as(name).isEqualTo(SegmentNames.Kind.INIT);
            assertThat(SegmentNames.part(name)).as(name).isEmpty();
        }
        assertThat(SegmentNames.init(3)).isEqualTo("init_3.mp4");
    }

    @Test
    void eachKindIsToldApart() {
        assertThat(SegmentNames.kind("init.mp4")).isEqualTo(SegmentNames.Kind.UNKNOWN);
        assertThat(SegmentNames.kind("seg_000007.m4s")).isEqualTo(SegmentNames.Kind.MEDIA);
        assertThat(SegmentNames.kind("part_000007_2.m4s")).isEqualTo(SegmentNames.Kind.PART);
        assertThat(SegmentNames.kind("init_2.mp4")).isEqualTo(SegmentNames.Kind.INIT);
        assertThat(SegmentNames.kind("index.m3u8")).isEqualTo(SegmentNames.Kind.UNKNOWN);
        assertThat(SegmentNames.kind(null)).isEqualTo(SegmentNames.Kind.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "part_1_0.m4s", "part_00001_0.m4s", "part_0000001_0.m4s", "part_1000000000000000000_0.m4s", // the segment number as for seg_
        "part_000001_00.m4s", "part_000001_01.m4s", "part_000001_-1.m4s", "part_000001_+1.m4s", // index: no padding, no sign
        "part_000001_2147483648.m4s", "part_000001_9999999999.m4s", // beyond an int
        "part_000001_.m4s", "part_000001.m4s", "part__0.m4s", "part_000001_0.m4s.tmp", "part_000001_0.mp4",
        "PART_000001_0.m4s", "part_000001_٠.m4s", "../part_000001_0.m4s", "part_000001_0_1.m4s",
        "init_.mp4", "init_01.mp4", "init_-1.mp4", "init_2147483648.mp4", "init_1.m4s", "init_1.mp4.tmp", "Init_1.mp4",
        "init_٠.mp4", "x/init_1.mp4", "init__1.mp4"})
    void partAndInitNamesTheWindowCannotHaveWrittenAreNothing(String name) {
        assertThat(SegmentNames.part(name)).as(name).isEmpty();
        assertThat(SegmentNames.initIndex(name)).as(name).isEqualTo(-1);
        assertThat(SegmentNames.kind(name)).as(name).isEqualTo(SegmentNames.Kind.UNKNOWN);
    }

    @Test
    void noNameIsNoPartAndNoInit() {
        assertThat(SegmentNames.part(null)).isEmpty();
        assertThat(SegmentNames.initIndex(null)).isEqualTo(-1);
    }
}
