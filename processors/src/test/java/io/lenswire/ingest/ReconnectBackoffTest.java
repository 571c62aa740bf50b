package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void doublesUpToTheCapAndResets() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(new long[] {backoff.nextDelayMillis(), backoff.nextDelayMillis(), backoff.nextDelayMillis(),
            backoff.nextDelayMillis(), backoff.nextDelayMillis()}).containsExactly(500, 1000, 2000, 3000, 3000);
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isEqualTo(500);
    }

    @Test
    void aCapBelowTheInitialDelayIsRaisedToIt() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1));
        assertThat(backoff.nextDelayMillis()).isEqualTo(2000);
        assertThat(backoff.nextDelayMillis()).isEqualTo(2000);
    }
}
