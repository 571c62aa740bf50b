package io.lenswire.ingest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live state of one camera. Written by the camera's ingest thread only; read by the API and the
 * metrics from any thread, hence volatile fields and atomics.
 */
public final class CameraStatus {

    private static final long BITRATE_WINDOW_NANOS = 2_000_000_000L;

    private final String cameraId;
    private volatile CameraState state = CameraState.STARTING;
    private volatile String lastError;
    private volatile StreamInfo stream;
    private volatile Instant connectedSince;
    private volatile long bitrateKbps;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong packetsDropped = new AtomicLong();

    // bitrate window, touched by the ingest thread only
    private long windowStartNanos;
    private long windowBytes;

    public CameraStatus(String cameraId) {
        this.cameraId = cameraId;
    }

    public String cameraId() { return cameraId; }
    public CameraState state() { return state; }
    public String lastError() { return lastError; }
    public StreamInfo stream() { return stream; }
    public Instant connectedSince() { return connectedSince; }
    public long bitrateKbps() { return state == CameraState.STREAMING ? bitrateKbps : 0; }
    public long reconnects() { return reconnects.get(); }
    public long packetsReceived() { return packetsReceived.get(); }
    public long bytesReceived() { return bytesReceived.get(); }
    public long packetsDropped() { return packetsDropped.get(); }

    void connecting(CameraState attemptState) {
        if (attemptState != CameraState.STARTING) {
            reconnects.incrementAndGet();
        }
        state = attemptState;
    }

    void streaming(StreamInfo info, long nowNanos) {
        stream = info;
        connectedSince = Instant.now();
        windowStartNanos = nowNanos;
        windowBytes = 0;
        bitrateKbps = 0;
        state = CameraState.STREAMING;
    }

    void lost(String error, CameraState next) {
        lastError = error;
        connectedSince = null;
        state = next;
    }

    void stopped() {
        connectedSince = null;
        state = CameraState.STOPPED;
    }

    void received(int bytes, long nowNanos) {
        packetsReceived.incrementAndGet();
        bytesReceived.addAndGet(bytes);
        windowBytes += bytes;
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= BITRATE_WINDOW_NANOS) {
            bitrateKbps = windowBytes * 8L * 1_000_000L / elapsed;
            windowBytes = 0;
            windowStartNanos = nowNanos;
        }
    }

    /** A packet that ingest or a branch queue had to let go. */
    public void dropped() {
        packetsDropped.incrementAndGet();
    }

    /** Packets that a branch queue had to let go together (one batch). */
    public void dropped(int packets) {
        packetsDropped.addAndGet(packets);
    }
}
