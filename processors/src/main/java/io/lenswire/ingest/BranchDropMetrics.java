package io.lenswire.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counts packets a slow branch had to let go: {@code lenswire_branch_dropped_packets_total{camera,branch}}. */
@Component
public class BranchDropMetrics {

    private final MeterRegistry registry;

    public BranchDropMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void dropped(String cameraId, String branch) {
        Counter.builder("lenswire.branch.dropped.packets")
                .description("Packets dropped because a branch queue was full")
                .tag("camera", cameraId).tag("branch", branch)
                .register(registry).increment();
    }
}
