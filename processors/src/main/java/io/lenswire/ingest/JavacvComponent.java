package io.lenswire.ingest;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code javacv:} component: a consumer per camera that reads encoded packets from RTSP (or a
 * file) through FFmpeg and emits one exchange per packet, without decoding.
 */
@org.apache.camel.spi.annotations.Component("javacv")
public class JavacvComponent extends DefaultComponent {

    private final CameraSourceResolver resolver;
    private final CameraStatusRegistry statuses;
    private final IngestLimits limits;
    private final SourceInterrupts interrupts;
    private final TlsTrust tlsTrust;

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
