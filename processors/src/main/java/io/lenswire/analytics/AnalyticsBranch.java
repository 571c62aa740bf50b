package io.lenswire.analytics;

import java.util.List;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lenswire.ingest.Branch;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/**
 * A camera's analytics branch: its {@link CameraAnalytics} (decoder, detector) fed and closed on the
 * branch's own thread. A packet that fails (a stream the decoder cannot open, say) is skipped and
 * logged at most once a minute instead of once per packet.
 */
final class AnalyticsBranch implements Branch {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsBranch.class);
    /** Logger of every face event as one JSON line at DEBUG (tests and troubleshooting read it). */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.lenswire.analytics.events");
    private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final CameraAnalytics analytics;
    private final EventJson json;
    private long lastFailureLog;
    private boolean loggedFailure;

    /** Turns an event into the JSON line of the events log. */
    interface EventJson {
        String of(FaceEvent event);
    }

    AnalyticsBranch(CameraAnalytics analytics, EventJson json) {
        this.analytics = analytics;
        this.json = json;
    }

    @Override
    public void open(StreamInfo stream, List<EncodedPacket> cached) {
        // the decoder reopens itself for a new connection and waits for its key frame
    }

    @Override
    public Object accept(EncodedPacket packet) {
        FaceEvent event;
        try {
            event = analytics.process(packet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            analytics.stats().decodeError();
            long now = System.nanoTime();
            if (!loggedFailure || now - lastFailureLog > FAILURE_LOG_INTERVAL_NANOS) {
                loggedFailure = true;
                lastFailureLog = now;
                LOG.warn("camera {}: analytics skipped a packet: {}", packet.cameraId(), e.toString());
            }
            return null;
        }
        if (event != null && EVENTS.isDebugEnabled()) {
            EVENTS.debug("face-event {}", json.of(event));
        }
        return event;
    }

    @Override
    public void close() {
        analytics.close();
        // hand the decoder's freed frame buffers back to the OS: glibc keeps them in per-thread
        // arenas otherwise, and RSS would climb with every camera added and removed
        Pointer.trimMemory();
    }

    CameraAnalytics analytics() {
        return analytics;
    }
}
