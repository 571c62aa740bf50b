package io.lenswire.it.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; returns how long it took. */
public final class Wait {
    private Wait() {
    }

    public static Duration until(String what, Duration timeout, Supplier<Boolean> condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what, last);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
