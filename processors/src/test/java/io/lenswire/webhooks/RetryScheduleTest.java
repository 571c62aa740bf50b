package io.lenswire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final List<Duration> WAITS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));

    @Test
    void waitsFollowTheScheduleThenStop() {
        RetrySchedule s = new RetrySchedule(WAITS, 0, () -> 0.5);
        assertThat(s.waitAfter(1)).hasValue(5_000);
        assertThat(s.waitAfter(2)).hasValue(300_000);
        assertThat(s.waitAfter(3)).hasValue(1_800_000);
        assertThat(s.waitAfter(4)).isEmpty();
        assertThat(s.waitAfter(0)).isEmpty();
    }

    @Test
    void jitterMovesEachWaitWithinItsBounds() {
        assertThat(new RetrySchedule(WAITS, 0.2, () -> 0.0).waitAfter(1)).hasValue(4_000);
        assertThat(new RetrySchedule(WAITS, 0.2, () -> 1.0).waitAfter(1)).hasValue(6_000);
        assertThat(new RetrySchedule(WAITS, 0.2, () -> 0.5).waitAfter(1)).hasValue(5_000);
    }
}
