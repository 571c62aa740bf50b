package io.lenswire.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * When the next attempt of a delivery comes: the configured wait after the n-th failed attempt,
 * moved by up to {@code jitter} either way (so that many messages failing together do not retry
 * together); none after the last wait, and the delivery is failed.
 */
final class RetrySchedule {

    private final List<Duration> waits;
    private final double jitter;
    private final DoubleSupplier random;

    RetrySchedule(List<Duration> waits, double jitter, DoubleSupplier random) {
        this.waits = List.copyOf(waits);
        this.jitter = Math.max(0, Math.min(jitter, 1));
        this.random = random;
    }

    /** The wait in ms after {@code failedAttempts} failed attempts (1 = the first failed), or empty when it is over. */
    OptionalLong waitAfter(int failedAttempts) {
        if (failedAttempts < 1 || failedAttempts > waits.size()) {
            return OptionalLong.empty();
        }
        long base = waits.get(failedAttempts - 1).toMillis();
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return OptionalLong.of(Math.max(0, Math.round(base * factor)));
    }
}
