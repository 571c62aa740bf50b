package io.lenswire.analytics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counters of one camera's analytics branch, written by its thread and read by the API. Processing
 * time is per analysed frame (decode of its packet + downscale + detect + recognize), in seconds;
 * the average is over all analysed frames, the 95th percentile over the last {@link #WINDOW}.
 */
final class AnalyticsStats {

    static final int WINDOW = 1024;

    private final long startedNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicLong facesEmbedded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong recognitionsSkipped = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicLong framesProcessed = new AtomicLong();
    private final AtomicLong facesDetected = new AtomicLong();
    private final AtomicLong facesRecognized = new AtomicLong();
    private final AtomicLong framesDropped = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final LongSupplier queueDrops;
    private final double[] recent = new double[WINDOW];
    private int recentCount;
    private int recentNext;
    private double totalSeconds;

    /** {@code queueDrops}: packets the fan-out gate could not put into this branch's full queue. */
    AnalyticsStats(LongSupplier queueDrops) {
        this.queueDrops = queueDrops;
    }

    void frameProcessed(int faces, int recognized, long nanos) {
        framesProcessed.incrementAndGet();
        facesDetected.addAndGet(faces);
        facesRecognized.addAndGet(recognized);
        double seconds = nanos / 1e9;
        synchronized (recent) {
            totalSeconds += seconds;
            recent[recentNext] = seconds;
            recentNext = (recentNext + 1) % WINDOW;
            recentCount = Math.min(recentCount + 1, WINDOW);
        }
    }

    /** A face was embedded and compared with the gallery. */
    void faceEmbedded() {
        facesEmbedded.incrementAndGet();
    }

    /** A face of a stable track kept its visit's decision without being embedded. */
    void recognitionSkipped() {
        recognitionsSkipped.incrementAndGet();
    }

    long facesEmbedded() {
        return facesEmbedded.get();
    }

    long recognitionsSkipped() {
        return recognitionsSkipped.get();
    }

    void dropped() {
        framesDropped.incrementAndGet();
    }

    void decodeError() {
        decodeErrors.incrementAndGet();
    }

    long framesProcessed() {
        return framesProcessed.get();
    }

    long facesDetected() {
        return facesDetected.get();
    }

    long facesRecognized() {
        return facesRecognized.get();
    }

    long framesDropped() {
        return framesDropped.get() + queueDrops.getAsLong();
    }

    /** The stats object of the API, with the original system's keys first. */
    Map<String, Object> toMap() {
        double avg;
        double p95;
        synchronized (recent) {
            long n = framesProcessed.get();
            avg = n == 0 ? 0 : totalSeconds / n;
            double[] copy = Arrays.copyOf(recent, recentCount);
            Arrays.sort(copy);
            p95 = copy.length == 0 ? 0 : copy[Math.min(copy.length - 1, (int) Math.ceil(copy.length * 0.95) - 1)];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames_processed", framesProcessed.get());
        m.put("faces_detected", facesDetected.get());
        m.put("faces_recognized", facesRecognized.get());
        m.put("uptime_seconds", Math.round((System.nanoTime() - startedNanos) / 1e7) / 100.0);
        m.put("avg_processing_time", round(avg));
        m.put("frames_dropped", framesDropped());
        m.put("p95_processing_time", round(p95));
        m.put("decode_errors", decodeErrors.get());
        return m;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1e6) / 1e6;
    }
}
