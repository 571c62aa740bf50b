package io.lenswire.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaComponent;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;
import io.micrometer.core.instrument.MeterRegistry;

/** The {@link CameraPipeline} of every running camera, by camera id. */
@Component
public class CameraPipelines {

    private final CamelContext camel;
    private final LenswireProperties properties;
    private final CameraStatusRegistry statuses;
    private final MeterRegistry meters;
    private final Map<String, CameraPipeline> pipelines = new ConcurrentHashMap<>();
    /** Serialises changes of Camel's route model by all pipelines (see {@link CameraPipeline}). */
    private final Object routeModelLock = new Object();

    /**
     * Makes every SEDA queue created from now on a {@link ByteBoundedQueue} with the configured byte
     * bound: the branch queues are created with their camera's routes, after this.
     */
    public CameraPipelines(CamelContext camel, LenswireProperties properties, CameraStatusRegistry statuses,
                           MeterRegistry meters, IngestLimits limits) {
        this.camel = camel;
        this.properties = properties;
        this.statuses = statuses;
        this.meters = meters;
        camel.getComponent("seda", SedaComponent.class)
                .setDefaultQueueFactory(ByteBoundedQueue.factory(limits.getBranchQueueMaxBytes().toBytes()));
    }

    /**
     * Starts a camera's pipeline: its route reads the camera (looked up by id) and feeds the GOP
     * cache and the branch gates. {@code finiteSource} (a file such as the demo clip) is looped and
     * paced in real time.
     */
    public CameraPipeline start(String cameraId, boolean finiteSource) {
        LenswireProperties.Ingest ingest = properties.getIngest();
        CameraPipeline pipeline = new CameraPipeline(cameraId, camel, meters,
                new GopCache(ingest.getGopCacheMaxPackets(), ingest.getGopCacheMaxBytes().toBytes()),
                ingest.getBranchQueueSize(), routeModelLock);
        if (pipelines.putIfAbsent(cameraId, pipeline) != null) {
            throw new IllegalStateException("camera " + cameraId + " runs already");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connectTimeout", ingest.getConnectTimeout().toMillis());
        parameters.put("readTimeout", ingest.getReadTimeout().toMillis());
        parameters.put("reconnectInitialDelay", ingest.getReconnectInitialDelay().toMillis());
        parameters.put("reconnectMaxDelay", ingest.getReconnectMaxDelay().toMillis());
        parameters.put("failedAfterAttempts", ingest.getFailedAfterAttempts());
        parameters.put("batchWindow", ingest.getBatchWindow().toMillis());
        parameters.put("rtspReader", ingest.getRtspReader().name().toLowerCase(java.util.Locale.ROOT));
        parameters.put("loop", finiteSource);
        parameters.put("realtime", finiteSource);
        try {
            pipeline.start(parameters, statuses.find(cameraId).orElse(null));
        } catch (RuntimeException e) {
            pipelines.remove(cameraId, pipeline);
            throw e;
        }
        return pipeline;
    }

    public Optional<CameraPipeline> find(String cameraId) {
        return Optional.ofNullable(pipelines.get(cameraId));
    }

    /** Opens a branch of a running camera; false when the camera does not run. */
    public boolean openBranch(BranchId id, Branch branch) {
        CameraPipeline pipeline = pipelines.get(id.cameraId());
        if (pipeline == null) {
            return false;
        }
        pipeline.openBranch(id, branch);
        return true;
    }

    public void closeBranch(BranchId id, Duration timeout) {
        CameraPipeline pipeline = pipelines.get(id.cameraId());
        if (pipeline != null) {
            pipeline.closeBranch(id, timeout);
        }
    }

    /** Stops the camera's pipeline and frees what it held: branches, ingest thread, FFmpeg context, queues, GOP. */
    public void stop(String cameraId) {
        CameraPipeline pipeline = pipelines.remove(cameraId);
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    public int size() {
        return pipelines.size();
    }
}
