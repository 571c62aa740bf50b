package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** Cameras added over REST stream from a real GStreamer RTSP server, H.264 and H.265, with and without auth. */
class CameraIngestIT {

    private static final String PASSWORD = "Pa55-w0rd-never-logged";
    private static RtspServer rtsp;
    private static RtspServer secured;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/h264=h264", "/h265=h265", "/gone=h264");
        secured = RtspServer.start("alice:" + PASSWORD, "/cam=h264");
        app = LenswireProcess.start("ingest");
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (secured != null) secured.close();
    }

    @Test
    void demoCameraStreamsWithNoConfiguration() {
        Wait.until("demo camera STREAMING", Duration.ofSeconds(30), () -> api.state("demo").equals("STREAMING"));
        JsonNode demo = api.camera("demo").orElseThrow();
        assertThat(demo.path("codec").asText()).isEqualTo("h264");
        assertThat(demo.path("width").asInt()).isEqualTo(1280);
        long before = demo.path("packets_received").asLong();
        Wait.sleep(1500);
        assertThat(api.camera("demo").orElseThrow().path("packets_received").asLong()).isGreaterThan(before + 20);
    }

    @Test
    void h264CameraStreamsWithinTenSecondsOverOneConnection() {
        assertThat(api.addCamera("h264", rtsp.url("/h264")).status()).isEqualTo(201);
        Duration took = Wait.until("h264 STREAMING", Duration.ofSeconds(10), () -> api.state("h264").equals("STREAMING"));
        JsonNode cam = api.camera("h264").orElseThrow();
        assertThat(cam.path("codec").asText()).isEqualTo("h264");
        assertThat(cam.path("width").asInt()).isEqualTo(1280);
        assertThat(cam.path("height").asInt()).isEqualTo(720);
        assertThat(cam.path("fps").asDouble()).isBetween(24.0, 26.0);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        Wait.until("bitrate measured", Duration.ofSeconds(6), () -> api.camera("h264").orElseThrow().path("bitrate_kbps").asLong() > 100);
        assertThat(rtsp.describes("/h264")).as("RTSP sessions opened for /h264").isEqualTo(1);

        // behind the API key by default (lenswire.http.public-actuator)
        assertThat(api.getStatusCode("/actuator/prometheus")).as("Prometheus without the key").isEqualTo(401);
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metric(metrics, "lenswire_camera_packets_total{camera=\"h264\"")).isGreaterThan(25);
        assertThat(metric(metrics, "lenswire_camera_bytes_total{camera=\"h264\"")).isGreaterThan(10_000);
        assertThat(metric(metrics, "lenswire_camera_state{camera=\"h264\"")).as("STREAMING").isEqualTo(1);
        assertThat(metrics).contains("lenswire_camera_reconnects_total{camera=\"h264\"", "camel_exchanges_total{",
                "routeId=\"api-cameras-add\"");
        assertThat(metrics).as("per-packet routes are left out of the route timers")
                .doesNotContain("routeId=\"camera-h264\"");
    }

    /** The value of the first Prometheus sample whose line starts with {@code prefix}. */
    private static double metric(String exposition, String prefix) {
        return exposition.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no metric " + prefix));
    }

    @Test
    void h265CameraStreams() {
        assertThat(api.addCamera("h265", rtsp.url("/h265")).status()).isEqualTo(201);
        Wait.until("h265 STREAMING", Duration.ofSeconds(10), () -> api.state("h265").equals("STREAMING"));
        JsonNode cam = api.camera("h265").orElseThrow();
        assertThat(cam.path("codec").asText()).isEqualTo("hevc");
        assertThat(cam.path("width").asInt()).isEqualTo(1280);
        assertThat(cam.path("height").asInt()).isEqualTo(720);
        assertThat(rtsp.describes("/h265")).isEqualTo(1);
    }

    @Test
    void passwordProtectedCameraStreamsAndThePasswordIsNeverShown() {
        Api.Response added = api.addCamera("locked", secured.url("alice:" + PASSWORD, "/cam"));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body()).doesNotContain(PASSWORD).contains("alice:***@");
        Wait.until("locked STREAMING", Duration.ofSeconds(10), () -> api.state("locked").equals("STREAMING"));

        api.addCamera("badpass", secured.url("alice:wrong-" + PASSWORD, "/cam"));
        Wait.until("badpass reports an error", Duration.ofSeconds(10),
                () -> !api.camera("badpass").orElseThrow().path("last_error").isNull());
        assertThat(api.state("badpass")).isIn("RECONNECTING", "FAILED");

        String status = api.get("/api/stream/cameras/status").body();
        assertThat(status).doesNotContain(PASSWORD).contains("alice:***@");
        assertThat(api.get("/actuator/prometheus").body()).doesNotContain(PASSWORD);
        assertThat(app.log()).doesNotContain(PASSWORD);
        assertThat(api.delete("/api/stream/cameras/badpass").status()).isEqualTo(200);
    }

    @Test
    void removingACameraClosesItsConnectionAndThreads() {
        // Warm-up: the first route removal creates Camel's shutdown-task pool thread (kept for reuse),
        // and HTTP worker pools grow on first use; neither is per camera, so count after them.
        assertThat(api.addCamera("warmup", rtsp.url("/gone")).status()).isEqualTo(201);
        Wait.until("warmup STREAMING", Duration.ofSeconds(10), () -> api.state("warmup").equals("STREAMING"));
        assertThat(api.delete("/api/stream/cameras/warmup").status()).isEqualTo(200);
        for (int i = 0; i < 30; i++) {
            api.get("/api/stream/cameras/status");
        }
        Wait.sleep(1000);
        int baseline = app.threads();
        assertThat(api.addCamera("gone", rtsp.url("/gone")).status()).isEqualTo(201);
        Wait.until("gone STREAMING", Duration.ofSeconds(10), () -> api.state("gone").equals("STREAMING"));
        int clientsWhileStreaming = rtsp.connectedClients();
        assertThat(app.threads()).isGreaterThan(baseline);

        assertThat(api.delete("/api/stream/cameras/gone").status()).isEqualTo(200);
        assertThat(api.camera("gone")).isEmpty();
        Wait.until("RTSP server sees the disconnect", Duration.ofSeconds(5), () -> rtsp.connectedClients() == clientsWhileStreaming - 1);
        Wait.until("threads back to baseline " + baseline, Duration.ofSeconds(10), () -> app.threads() <= baseline);
        assertThat(api.delete("/api/stream/cameras/gone").status()).isEqualTo(404);
    }
}
