package io.lenswire.ingest;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One camera. Its stream address comes from {@link CameraSourceResolver} by camera id (so that a
 * password never sits in an endpoint URI); {@code url} may name it directly for standalone use.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "javacv", title = "JavaCV camera",
        syntax = "javacv:cameraId", consumerOnly = true, category = {Category.IOT, Category.NETWORKING},
        headersClass = JavacvConstants.class)
public class JavacvEndpoint extends DefaultEndpoint {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JavacvEndpoint.class);

    @UriPath(description = "Camera id: letters, digits, '-' and '_'")
    @Metadata(required = true)
    private final String cameraId;

    @UriParam(label = "consumer,security", secret = true,
            description = "Stream URL (rtsp://, rtsps:// or a file). When unset it is looked up by camera id.")
    private String url;
    @UriParam(label = "consumer", defaultValue = "tcp", enums = "tcp,udp,http,https",
            description = "RTSP lower transport")
    private String transport = "tcp";
    @UriParam(label = "consumer", defaultValue = "10000", javaType = "long",
            description = "Longest wait in milliseconds for connect, DESCRIBE and stream probe")
    private long connectTimeout = 10000;
    @UriParam(label = "consumer", defaultValue = "5000", javaType = "long",
            description = "Milliseconds without a packet after which the connection counts as lost")
    private long readTimeout = 5000;
    @UriParam(label = "consumer", defaultValue = "500", javaType = "long",
            description = "First reconnect delay in milliseconds; doubles after each failure")
    private long reconnectInitialDelay = 500;
    @UriParam(label = "consumer", defaultValue = "5000", javaType = "long",
            description = "Cap of the reconnect delay in milliseconds")
    private long reconnectMaxDelay = 5000;
    @UriParam(label = "consumer", defaultValue = "5",
            description = "Failed attempts in a row after which the state is FAILED (retries continue)")
    private int failedAfterAttempts = 5;
    @UriParam(label = "consumer", defaultValue = "0", javaType = "long",
            description = "Milliseconds a batch of packets may gather before it is handed to the route; 0 = one packet per exchange")
    private long batchWindow;
    @UriParam(label = "consumer", defaultValue = "lenswire", enums = "lenswire,libavformat",
            description = "Who reads rtsp:// over TCP: libavformat, or Lenswire's own RTSP client (fewer system calls; falls back to"
                    + " libavformat for streams with audio, B-frames, redirects or other codecs than H.264/H.265)")
    private String rtspReader = "lenswire";
    @UriParam(label = "consumer,advanced", defaultValue = "false",
            description = "Restart a finite source (a file) at its end, timestamps rising")
    private boolean loop;
    @UriParam(label = "consumer,advanced", defaultValue = "false",
            description = "Pace a file source in real time, like a live camera")
    private boolean realtime;
    @UriParam(label = "consumer,security", defaultValue = "true",
            description = "For rtsps:// with an explicit url: verify the camera's certificate and host name (by camera id: the camera's own setting)")
    private boolean tlsVerify = true;

    public JavacvEndpoint(String uri, JavacvComponent component, String cameraId) {
        super(uri, component);
        this.cameraId = cameraId;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("javacv: is a consumer only endpoint");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        JavacvComponent component = (JavacvComponent) getComponent();
        JavacvConsumer consumer = new JavacvConsumer(this, processor, component.statuses().register(cameraId));
        configureConsumer(consumer);
        return consumer;
    }

    PacketSource newSource(long generation) {
        String address = url != null ? url : ((JavacvComponent) getComponent()).resolver().streamUrl(cameraId)
                .orElseThrow(() -> new IllegalStateException("camera " + cameraId + " is not configured"));
        JavacvComponent component = (JavacvComponent) getComponent();
        boolean verify = url != null ? tlsVerify : component.resolver().tlsVerify(cameraId);
        SourceOptions options = sourceOptions(verify);
        Runnable dropped = () -> component.statuses().find(cameraId).ifPresent(CameraStatus::dropped);
        Supplier<PacketSource> libav = () -> new LibavPacketSource(cameraId, address, options, generation, component.interrupts(), dropped);
        if (!"lenswire".equals(rtspReader) || ownReaderUnsuited != null || !RtspPacketSource.handles(address, options)) {
            return libav.get();
        }
        return new PreferredPacketSource(
                new RtspPacketSource(cameraId, address, options, generation, dropped, component.socketDeadlines()), libav,
                why -> {
                    ownReaderUnsuited = why;
                    LOG.info("camera {}: read with libavformat from now on, Lenswire's RTSP reader does not take this stream: {}",
                            cameraId, why);
                });
    }

    /** Why Lenswire's RTSP reader cannot read this camera (found on an earlier connection), or null. */
    private volatile String ownReaderUnsuited;

    SourceOptions sourceOptions(boolean verifyTls) {
        JavacvComponent component = (JavacvComponent) getComponent();
        IngestLimits limits = component.limits();
        return new SourceOptions(transport, Duration.ofMillis(connectTimeout), Duration.ofMillis(readTimeout), loop, realtime,
                (int) Math.min(Integer.MAX_VALUE, limits.getMaxPacketSize().toBytes()), limits.isAllowRedirectsToOtherHosts(),
                verifyTls ? component.tlsTrust().socketFactory() : null);
    }

    @Override
    protected String createEndpointUri() {
        return "javacv:" + cameraId;
    }

    public String getCameraId() { return cameraId; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getTransport() { return transport; }
    public void setTransport(String transport) { this.transport = transport; }
    public long getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(long connectTimeout) { this.connectTimeout = connectTimeout; }
    public long getReadTimeout() { return readTimeout; }
    public void setReadTimeout(long readTimeout) { this.readTimeout = readTimeout; }
    public long getReconnectInitialDelay() { return reconnectInitialDelay; }
    public void setReconnectInitialDelay(long d) { this.reconnectInitialDelay = d; }
    public long getReconnectMaxDelay() { return reconnectMaxDelay; }
    public void setReconnectMaxDelay(long d) { this.reconnectMaxDelay = d; }
    public int getFailedAfterAttempts() { return failedAfterAttempts; }
    public void setFailedAfterAttempts(int n) { this.failedAfterAttempts = n; }
    public long getBatchWindow() { return batchWindow; }
    public void setBatchWindow(long batchWindow) { this.batchWindow = batchWindow; }
    public boolean isLoop() { return loop; }
    public void setLoop(boolean loop) { this.loop = loop; }
    public boolean isRealtime() { return realtime; }
    public void setRealtime(boolean realtime) { this.realtime = realtime; }
    public String getRtspReader() { return rtspReader; }
    public void setRtspReader(String rtspReader) { this.rtspReader = rtspReader; }
    public boolean isTlsVerify() { return tlsVerify; }
    public void setTlsVerify(boolean tlsVerify) { this.tlsVerify = tlsVerify; }
}
