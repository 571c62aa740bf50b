package io.lenswire.camera;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.lenswire.ingest.CameraStatus;
import io.lenswire.ingest.CameraStatusRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Per-camera meters read from {@link CameraStatus}; registered on add, removed on delete. */
@Component
public class CameraMetrics {

    private final MeterRegistry registry;
    private final CameraStatusRegistry statuses;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    public CameraMetrics(MeterRegistry registry, CameraStatusRegistry statuses) {
        this.registry = registry;
        this.statuses = statuses;
    }

    public void register(String cameraId) {
        CameraStatus status = statuses.register(cameraId);
        meters.put(cameraId, List.of(
                counter("lenswire.camera.packets", "Packets received from the camera", status, cameraId, CameraStatus::packetsReceived),
                counter("lenswire.camera.bytes", "Bytes received from the camera", status, cameraId, CameraStatus::bytesReceived),
                counter("lenswire.camera.reconnects", "Reconnect attempts", status, cameraId, CameraStatus::reconnects),
                counter("lenswire.camera.dropped.packets", "Packets dropped before a branch", status, cameraId, CameraStatus::packetsDropped),
                Gauge.builder("lenswire.camera.state", status, s -> s.state().gaugeValue())
                        .description("0 STARTING, 1 STREAMING, 2 RECONNECTING, 3 FAILED, 4 STOPPED")
                        .tag("camera", cameraId).register(registry),
                Gauge.builder("lenswire.camera.bitrate.kbps", status, CameraStatus::bitrateKbps)
                        .tag("camera", cameraId).register(registry)));
    }

    private Meter counter(String name, String description, CameraStatus status, String cameraId, ToDoubleFunction<CameraStatus> f) {
        return FunctionCounter.builder(name, status, f).description(description).tag("camera", cameraId).register(registry);
    }

    public void unregister(String cameraId) {
        List<Meter> removed = meters.remove(cameraId);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
        registry.getMeters().stream()
                .filter(m -> cameraId.equals(m.getId().getTag("camera")))
                .toList()
                .forEach(registry::remove);
    }
}
