package io.lenswire.ingest;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import io.lenswire.ingest.rtsp.SocketDeadlines;
import io.micrometer.core.instrument.Timer;

/**
 * The {@code javacv:} component: a consumer per camera that reads encoded packets from RTSP (or a
 * file) through FFmpeg and emits one exchange per batch of packets ({@link PacketBatch}), without
 * decoding.
 */
@org.apache.camel.spi.annotations.Component("javacv")
public class JavacvComponent extends DefaultComponent {

    private final CameraSourceResolver resolver;
    private final CameraStatusRegistry statuses;
    private final IngestLimits limits;
    private final SourceInterrupts interrupts;
    private final TlsTrust tlsTrust;
    private Timer handoffDelay;
    /** The RTSP reader's connect and read deadlines, one thread for all cameras; lives while the component runs. */
    private volatile SocketDeadlines socketDeadlines;

    public JavacvComponent(CameraSourceResolver resolver, CameraStatusRegistry statuses, SourceInterrupts interrupts) {
        this(resolver, statuses, new IngestLimits(), interrupts);
    }

    public JavacvComponent(CameraSourceResolver resolver, CameraStatusRegistry statuses, IngestLimits limits,
                           SourceInterrupts interrupts) {
        this.resolver = resolver;
        this.statuses = statuses;
        this.limits = limits;
        this.interrupts = interrupts;
        this.tlsTrust = TlsTrust.from(limits.getTlsCaFile());
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("javacv endpoint needs a camera id: javacv:cameraId");
        }
        JavacvEndpoint endpoint = new JavacvEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        socketDeadlines = new SocketDeadlines(Duration.ofMillis(100), "rtsp-deadlines");
    }

    @Override
    protected void doStop() throws Exception {
        SocketDeadlines d = socketDeadlines;
        if (d != null) {
            d.close();
        }
        super.doStop();
    }

    SocketDeadlines socketDeadlines() {
        SocketDeadlines d = socketDeadlines;
        if (d == null) {
            throw new IllegalStateException("the javacv component is not started");
        }
        return d;
    }

    /** Records how long each batch's oldest packet waited in ingest before the route got it. */
    public void recordHandoffDelayIn(Timer handoffDelay) {
        this.handoffDelay = handoffDelay;
    }

    Timer handoffDelay() {
        return handoffDelay;
    }

    CameraSourceResolver resolver() {
        return resolver;
    }

    SourceInterrupts interrupts() {
        return interrupts;
    }

    CameraStatusRegistry statuses() {
        return statuses;
    }

    TlsTrust tlsTrust() {
        return tlsTrust;
    }

    IngestLimits limits() {
        return limits;
    }
}
