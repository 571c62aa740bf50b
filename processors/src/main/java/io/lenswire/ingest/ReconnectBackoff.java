package io.lenswire.ingest;

import java.time.Duration;

/** Exponential backoff with a cap: initial, 2x initial, 4x initial ... up to max. Not thread-safe. */
final class ReconnectBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    ReconnectBackoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(this.initialMillis, max.toMillis());
        this.nextMillis = this.initialMillis;
    }

    long nextDelayMillis() {
        long delay = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return delay;
    }

    void reset() {
        nextMillis = initialMillis;
    }
}
