package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Removing camera {@code a} must leave camera {@code x-a} alone: its queues were matched by the
 * removal pattern {@code seda://*-a} and stopped with camera a's.
 */
class CameraRemovalIsolationIT {

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("removal", "--lenswire.playback.jwt-secrets[0]=" + HlsPlaybackIT.JWT_SECRET);
        api = app.api();
        for (String id : List.of("a", "x-a")) {
            assertThat(api.postJson("/api/stream/cameras/add", "{\"camera_id\":\"" + id + "\",\"rtsp_url\":\""
                    + rtsp.url("/cam") + "\",\"enable_analytics\":true}").status()).isEqualTo(201);
        }
        Wait.until("both STREAMING", Duration.ofSeconds(20),
                () -> api.state("a").equals("STREAMING") && api.state("x-a").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    private static Api.Response fetch(String pathAndQuery) {
        return api.send(api.request(pathAndQuery).GET().build());
    }

    private static long framesAnalysed(String id) {
        return api.get("/api/stream/analytics/stats?camera_id=" + id).json().path("stats").path("frames_processed").asLong();
    }

    private static List<String> segments(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("seg_")).map(l -> l.substring(0, l.indexOf('?'))).toList();
    }

    @Test
    void removingAKeepsXAStreamingWithHlsAndAnalytics() {
        JsonNode sessionA = HlsPlaybackITSupport.create(api, "a", "viewer-a");
        JsonNode sessionXa = HlsPlaybackITSupport.create(api, "x-a", "viewer-x-a");
        for (JsonNode s : List.of(sessionA, sessionXa)) {
            Wait.until("a first playlist", Duration.ofSeconds(20), () -> fetch(s.path("hls_url").asText()).status() == 200);
        }
        Wait.until("x-a analysed", Duration.ofSeconds(30), () -> framesAnalysed("x-a") > 0);

        assertThat(api.delete("/api/stream/cameras/a").status()).isEqualTo(200);
        assertThat(api.state("a")).isEqualTo("ABSENT");
        String hlsUrl = sessionXa.path("hls_url").asText();
        List<String> before = segments(fetch(hlsUrl).body());
        long packets = api.camera("x-a").orElseThrow().path("packets_received").asLong();
        long frames = framesAnalysed("x-a");

        Wait.until("x-a HLS writes new segments", Duration.ofSeconds(15), () -> {
            Api.Response r = fetch(hlsUrl);
            return r.status() == 200 && segments(r.body()).stream().anyMatch(seg -> !before.contains(seg));
        });
        List<String> now = segments(fetch(hlsUrl).body());
        String newest = now.get(now.size() - 1);
        String base = hlsUrl.substring(0, hlsUrl.indexOf("playlist.m3u8"));
        String token = hlsUrl.substring(hlsUrl.indexOf('?'));
        assertThat(api.getBytes(base + newest + token).status()).as("newest segment of x-a").isEqualTo(200);
        Wait.until("x-a analysed on", Duration.ofSeconds(15), () -> framesAnalysed("x-a") > frames);
        assertThat(api.state("x-a")).isEqualTo("STREAMING");
        assertThat(api.camera("x-a").orElseThrow().path("packets_received").asLong()).isGreaterThan(packets);
        assertThat(api.camera("x-a").orElseThrow().path("packets_dropped").asLong()).as("x-a drops nothing").isZero();
        assertThat(api.get("/api/stream/health").json().path("analytics").path("cameras").asInt()).isEqualTo(1);
    }
}
