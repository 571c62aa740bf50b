package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class ContinuousTimestampsTest {

    private static long[] run(ContinuousTimestamps t, long... camera) {
        return LongStream.of(camera).map(t::next).toArray();
    }

    @Test
    void aClockThatOnlyGoesForwardIsLeftAlone() {
        ContinuousTimestamps t = new ContinuousTimestamps(3600, 90_000);
        // a pause of 10 s (a camera that stopped sending) is real time and kept
        assertThat(run(t, 1000, 4600, 8200, 908_200, 911_800)).containsExactly(1000, 4600, 8200, 908_200, 911_800);
        assertThat(t.shifted()).isFalse();
        assertThat(t.backSteps()).isZero();
    }

    @Test
    void aClockThatGoesBackGoesOnOneFrameAfterTheLastAndKeepsItsOwnSteps() {
        ContinuousTimestamps t = new ContinuousTimestamps(3600, 90_000);
        // 25 fps, then the camera's clock restarts at 0 (a server seeking its shared stream)
        assertThat(run(t, 500_000, 503_600, 507_200, 0, 3600, 7200))
                .containsExactly(500_000, 503_600, 507_200, 510_800, 514_400, 518_000);
        assertThat(t.shifted()).isTrue();
        assertThat(t.backSteps()).isEqualTo(1);
        // and again, by less than a frame
        assertThat(run(t, 5000, 8600)).containsExactly(521_600, 525_200);
        assertThat(t.backSteps()).isEqualTo(2);
    }

    @Test
    void theStepIsTheLastOneSeenCappedAndTheDefaultBeforeAny() {
        ContinuousTimestamps first = new ContinuousTimestamps(3600, 90_000);
        assertThat(run(first, 9000, 0)).containsExactly(9000, 12_600);

        ContinuousTimestamps slow = new ContinuousTimestamps(3600, 90_000);
        // a 5 fps camera steps 18000; a 10 s pause before the clock went back is not repeated
        assertThat(run(slow, 0, 18_000, 36_000, 0)).containsExactly(0, 18_000, 36_000, 54_000);
        assertThat(run(slow, 900_000, 10)).containsExactly(954_000, 1_044_000);
    }

    @Test
    void equalTimestampsStayEqual() {
        ContinuousTimestamps t = new ContinuousTimestamps(3600, 90_000);
        // two access units of one instant (the segmenter decides what to do with them), not a step back
        assertThat(run(t, 3600, 3600, 7200)).containsExactly(3600, 3600, 7200);
        assertThat(t.backSteps()).isZero();
    }

    @Test
    void refusesStepsThatCannotMoveForward() {
        assertThatThrownBy(() -> new ContinuousTimestamps(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContinuousTimestamps(20, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
