package io.lenswire.ingest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Timer;

/**
 * One thread per camera: connect, read packets, hand them to the route in batches
 * ({@link PacketBatcher}: one exchange per batch window), reconnect with backoff.
 * The route behind it must not block (it ends in bounded SEDA queues that drop when full), so a
 * slow branch never slows ingest. The thread owns the {@link PacketSource} and closes it.
 */
public class JavacvConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(JavacvConsumer.class);
    private static final long STOP_WAIT_SECONDS = 10;
    /** Bounds a batch when a camera floods packets (e.g. a file read without pacing). */
    private static final int MAX_BATCH_PACKETS = 256;

    private final JavacvEndpoint endpoint;
    private final CameraStatus status;
    private ExecutorService executor;
    private volatile PacketSource current;
    private volatile CountDownLatch finished = new CountDownLatch(0);
    private long generation;
    private final PacketBatcher batcher;
    private final Timer handoffDelay;

    public JavacvConsumer(JavacvEndpoint endpoint, Processor processor, CameraStatus status) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.status = status;
        this.batcher = new PacketBatcher(TimeUnit.MILLISECONDS.toNanos(endpoint.getBatchWindow()), MAX_BATCH_PACKETS);
        this.handoffDelay = ((JavacvComponent) endpoint.getComponent()).handoffDelay();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        finished = new CountDownLatch(1);
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "javacv-" + endpoint.getCameraId());
        executor.execute(this::ingestLoop);
    }

    @Override
    protected void doStop() throws Exception {
        PacketSource source = current;
        if (source != null) {
            source.abort();
        }
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        if (!finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("camera {}: ingest thread did not stop within {} s", endpoint.getCameraId(), STOP_WAIT_SECONDS);
        }
        status.stopped();
        super.doStop();
    }

    private void ingestLoop() {
        String cameraId = endpoint.getCameraId();
        ReconnectBackoff backoff = new ReconnectBackoff(
                java.time.Duration.ofMillis(endpoint.getReconnectInitialDelay()),
                java.time.Duration.ofMillis(endpoint.getReconnectMaxDelay()));
        int failuresInRow = 0;
        boolean connectedBefore = false;
        try {
            while (isRunAllowed()) {
                status.connecting(!connectedBefore && failuresInRow == 0 ? CameraState.STARTING
                        : failuresInRow >= endpoint.getFailedAfterAttempts() ? CameraState.FAILED : CameraState.RECONNECTING);
                String error = streamOnce();
                if (!isRunAllowed()) {
                    break;
                }
                boolean streamed = status.state() == CameraState.STREAMING;
                if (streamed) {
                    connectedBefore = true;
                    failuresInRow = 0;
                    backoff.reset();
                }
                failuresInRow++;
                CameraState next = failuresInRow >= endpoint.getFailedAfterAttempts() ? CameraState.FAILED : CameraState.RECONNECTING;
                status.lost(shownError(error, streamed), next);
                LOG.warn("camera {}: {}; state {}", cameraId, error, next);
                Thread.sleep(backoff.nextDelayMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    static final String CONNECT_FAILED = "could not connect to the camera";
    static final String STREAM_LOST = "the connection to the camera was lost";

    /**
     * What the API shows as last_error: one message per kind, never libavformat's detail
     * ("Connection refused", "timed out", "Invalid data"), which would tell whoever may add
     * cameras which ports of which hosts are open, closed or filtered: the API must not be a port
     * scanner. The detail goes to the log. A refusal by policy (a forbidden address or redirect)
     * says so, since it comes from our own rules, not from the network.
     */
    static String shownError(String error, boolean streamed) {
        if (error != null && error.contains(PacketSource.NOT_ALLOWED)) {
            return PacketSource.NOT_ALLOWED;
        }
        if ("end of stream".equals(error)) {
            return error;
        }
        return streamed ? STREAM_LOST : CONNECT_FAILED;
    }

    /** One connection, read until it ends; returns why it ended. */
    private String streamOnce() {
        PacketSource source;
        try {
            source = endpoint.newSource(++generation);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        current = source;
        try {
            if (!isRunAllowed()) {
                return "stopped";
            }
            StreamInfo info = source.open();
            status.streaming(info, System.nanoTime());
            LOG.info("camera {}: streaming {} {}x{} @ {} fps, read by {}", endpoint.getCameraId(), info.codec(), info.width(),
                    info.height(), Math.round(info.fps() * 100) / 100.0, source.reader());
            EncodedPacket packet;
            while (isRunAllowed() && (packet = source.read()) != null) {
                status.received(packet.size(), packet.receivedNanos());
                for (PacketBatch batch : batcher.add(packet)) {
                    deliver(batch);
                }
            }
            return isRunAllowed() ? "end of stream" : "stopped";
        } catch (Exception e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        } finally {
            current = null;
            source.close();
            PacketBatch rest = batcher.flush(); // what the connection delivered before it ended
            if (rest != null && isRunAllowed()) {
                deliver(rest);
            }
        }
    }

    private void deliver(PacketBatch batch) {
        if (handoffDelay != null) {
            handoffDelay.record(System.nanoTime() - batch.first().receivedNanos(), TimeUnit.NANOSECONDS);
        }
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(batch);
            exchange.getIn().setHeader(JavacvConstants.CAMERA_ID, batch.cameraId());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("camera " + batch.cameraId() + ": batch processing failed",
                    exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
