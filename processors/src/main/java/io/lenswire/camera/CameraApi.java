package io.lenswire.camera;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiResponses;
import io.lenswire.api.JsonRequests;
import io.lenswire.ingest.CameraState;
import io.lenswire.ingest.CameraStatus;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.ingest.StreamInfo;
import io.lenswire.ingest.StreamUrls;

/** The camera endpoints under /api/stream: add, remove, status, health. */
@Component("cameraApi")
public class CameraApi {

    private final CameraService cameras;
    private final CameraStatusRegistry statuses;
    private final JsonRequests requests;
    private final PlaybackStateView playback;
    private final CameraPlacement placement;

    public CameraApi(CameraService cameras, CameraStatusRegistry statuses, JsonRequests requests, PlaybackStateView playback,
                     CameraPlacement placement) {
        this.playback = playback;
        this.placement = placement;
        this.cameras = cameras;
        this.statuses = statuses;
        this.requests = requests;
    }

    public void add(Exchange exchange) {
        Camera camera = CameraRequest.parse(requests.readObject(exchange));
        boolean added;
        try {
            added = cameras.add(camera);
        } catch (CameraService.LimitReached e) {
            throw new ApiException(409, "limit_reached", e.getMessage());
        }
        if (!added) {
            String existing = cameras.all().stream().map(Camera::id).filter(id -> id.equalsIgnoreCase(camera.id())).findFirst()
                    .orElse(camera.id());
            throw new ApiException(409, "conflict", existing.equals(camera.id())
                    ? "A camera with camera_id '" + camera.id() + "' already exists"
                    : "camera_id '" + camera.id() + "' differs from the existing camera '" + existing + "' only in case", "camera_id");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("camera", describe(camera));
        exchange.setProperty(ApiResponses.STATUS, 201);
        exchange.getMessage().setBody(body);
    }

    public void remove(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("camera_id", String.class);
        if (id == null || !CameraRequest.CAMERA_ID.matcher(id).matches()) {
            throw ApiException.notFound("No camera with that camera_id");
        }
        if (!cameras.remove(id)) {
            throw ApiException.notFound("No camera with camera_id '" + id + "'");
        }
        exchange.getMessage().setBody(Map.of("success", true, "camera_id", id, "message", "Camera removed"));
    }

    public void status(Exchange exchange) {
        List<Map<String, Object>> list = cameras.all().stream().map(this::describe).toList();
        exchange.getMessage().setBody(Map.of("success", true, "cameras", list));
    }

    public void health(Exchange exchange) {
        if (!cameras.startedAll()) {
            // a load balancer or a test that sees 200 may list cameras: not before they are all there
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "starting");
            exchange.setProperty(ApiResponses.STATUS, 503);
            exchange.getMessage().setBody(body);
            return;
        }
        List<Camera> all = cameras.all();
        long streaming = all.stream().filter(c -> CameraState.STREAMING.name().equals(state(c.id()))).count();
        Map<String, String> hlsFailures = playback.failures();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", streaming == all.size() && hlsFailures.isEmpty() ? "healthy" : "degraded");
        body.put("cameras", Map.of("total", all.size(), "streaming", streaming));
        // a full or read-only data dir: video arrives but cannot be written for viewers
        Map<String, Object> hls = new LinkedHashMap<>();
        hls.put("status", hlsFailures.isEmpty() ? "healthy" : "degraded");
        hls.put("failing", hlsFailures);
        body.put("hls", hls);
        placement.nodeId().ifPresent(node -> {
            // in a cluster: which cameras this node reads (each is read by exactly one node)
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("node_id", node);
            cluster.put("owned_cameras", all.stream().map(Camera::id).filter(id -> statuses.find(id).isPresent()).sorted().toList());
            cluster.put("live_nodes", placement.liveNodes());
            body.put("cluster", cluster);
        });
        exchange.getMessage().setBody(body);
    }

    /** Here when the camera runs here, else as its owner last reported it; STOPPED when it runs nowhere. */
    private String state(String cameraId) {
        return statuses.find(cameraId).map(s -> s.state().name())
                .or(() -> placement.elsewhere(cameraId).map(CameraPlacement.Owner::state))
                .orElse(CameraState.STOPPED.name());
    }

    private Map<String, Object> describe(Camera camera) {
        CameraStatus status = statuses.find(camera.id()).orElse(null);
        StreamInfo stream = status == null || status.state() != CameraState.STREAMING ? null : status.stream();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera_id", camera.id());
        m.put("name", camera.name());
        m.put("state", state(camera.id()));
        m.put("rtsp_url", camera.maskedUrl());
        m.put("enable_analytics", camera.analytics());
        m.put("tls_verify", camera.tlsVerify());
        m.put("codec", stream == null ? null : stream.codec());
        m.put("width", stream == null ? null : stream.width());
        m.put("height", stream == null ? null : stream.height());
        m.put("fps", stream == null ? null : Math.round(stream.fps() * 100) / 100.0);
        m.put("bitrate_kbps", status == null ? 0 : status.bitrateKbps());
        m.put("connected_since", status == null || status.connectedSince() == null ? null : status.connectedSince().toString());
        m.put("reconnects", status == null ? 0 : status.reconnects());
        m.put("last_error", status == null ? null : StreamUrls.maskCredentials(status.lastError()));
        m.put("packets_received", status == null ? 0 : status.packetsReceived());
        m.put("packets_dropped", status == null ? 0 : status.packetsDropped());
        StreamInfo.AudioInfo audio = stream == null ? null : stream.audio();
        m.put("audio_codec", audio == null ? null : audio.codec());
        m.put("audio_in_hls", audio == null ? null : playback.carriesAudio(audio));
        m.put("hls_state", playback.state(camera.id()));
        m.put("hls_error", playback.failure(camera.id()).orElse(null));
        if (placement.nodeId().isPresent()) {
            m.put("owner_node", status != null ? placement.nodeId().get()
                    : placement.elsewhere(camera.id()).map(CameraPlacement.Owner::nodeId).orElse(null));
        }
        return m;
    }
}
