package io.lenswire.ingest;

import java.time.Duration;

/**
 * How to open one camera.
 *
 * @param loop      restart a finite source (a file) at its end, with timestamps that keep rising
 * @param realtime  pace a file source at its own frame rate instead of reading it as fast as possible
 */
public record SourceOptions(
        String transport,
        Duration connectTimeout,
        Duration readTimeout,
        boolean loop,
        boolean realtime) {
}
