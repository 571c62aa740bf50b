package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * HLS output that cannot be written (a full or read-only data dir) is reported — camera
 * {@code hls_state}, health {@code degraded} with the reason, one WARN — and playback comes back by
 * itself once writing works again. The camera's HLS directory is replaced by a file: unlike chmod,
 * that fails every write under it also when the tests run as root.
 */
class HlsDiskFaultIT {

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("diskfault", "--lenswire.playback.jwt-secrets[0]=" + HlsPlaybackIT.JWT_SECRET);
        api = app.api();
        assertThat(api.addCamera("cam", rtsp.url("/cam")).status()).isEqualTo(201);
        Wait.until("STREAMING", Duration.ofSeconds(20), () -> api.state("cam").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }


    private static long warnings(String text) {
        return app.log().lines().filter(l -> l.contains("WARN") && l.contains(text)).count();
    }

    @Test
    void unwritableHlsIsReportedAndRecovers() throws IOException {
        JsonNode session = HlsPlaybackITSupport.create(api, "cam", "viewer");
        String hlsUrl = session.path("hls_url").asText();
        Wait.until("first playlist", Duration.ofSeconds(20), () -> api.getWithoutKey(hlsUrl).status() == 200);
        assertThat(api.camera("cam").orElseThrow().path("hls_state").asText()).isEqualTo("running");
        assertThat(api.get("/api/stream/health").json().path("hls").path("status").asText()).isEqualTo("healthy");

        Path dir = app.dataDir().resolve("hls").resolve("cam");
        Path away = app.dataDir().resolve("hls-cam-away");
        Files.move(dir, away);
        Files.writeString(dir, "a file where the HLS directory was");

        Wait.until("hls_state failing", Duration.ofSeconds(15),
                () -> api.camera("cam").orElseThrow().path("hls_state").asText().equals("failing"));
        JsonNode camera = api.camera("cam").orElseThrow();
        assertThat(camera.path("hls_error").asText()).isNotBlank().doesNotContain(app.dataDir().toString());
        assertThat(camera.path("state").asText()).as("ingest is not affected").isEqualTo("STREAMING");
        JsonNode health = api.get("/api/stream/health").json();
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("hls").path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("hls").path("failing").path("cam").asText()).isEqualTo(camera.path("hls_error").asText());
        Wait.sleep(4000); // several key frames of retries
        Api.Response playlist = api.getWithoutKey(hlsUrl);
        assertThat(playlist.status()).as(playlist.body()).isEqualTo(503);
        assertThat(playlist.json().path("error").asText()).isNotBlank();
        assertThat(warnings("HLS output failing")).as("one WARN for the state change, not one per retry").isEqualTo(1);

        Files.delete(dir); // space is back: the muxer makes its directory again
        Wait.until("hls_state running again", Duration.ofSeconds(15),
                () -> api.camera("cam").orElseThrow().path("hls_state").asText().equals("running"));
        Wait.until("health healthy again", Duration.ofSeconds(10),
                () -> api.get("/api/stream/health").json().path("status").asText().equals("healthy"));
        assertThat(api.camera("cam").orElseThrow().path("hls_error").isNull()).isTrue();
        Wait.until("playlist with segments again", Duration.ofSeconds(15), () -> {
            Api.Response r = api.getWithoutKey(hlsUrl);
            return r.status() == 200 && r.body().contains("#EXTINF");
        });
        String body = api.getWithoutKey(hlsUrl).body();
        String newest = body.lines().filter(l -> l.startsWith("seg_")).reduce((a, b) -> b).orElseThrow();
        String base = hlsUrl.substring(0, hlsUrl.indexOf("playlist.m3u8"));
        assertThat(api.getBytes(base + newest).status()).as("newest segment after recovery").isEqualTo(200);
        assertThat(body).contains("#EXT-X-DISCONTINUITY");
        assertThat(app.log()).contains("HLS output recovered");
    }
}
