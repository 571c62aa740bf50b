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
 * Removing camera {@code a} must leave cameras {@code x-a} and {@code b-a} working: the removal
 * pattern {@code seda://*-a} matched their queue endpoints too and stopped and unregistered them.
 * Covers a muxer running during the removal (b-a) and one started after it (x-a, whose queue
 * endpoint had no consumer when it was removed), and analytics. With Camel 4.17 the SEDA queue
 * reference counting kept video flowing even before the fix (this test passed then too; the
 * endpoint registry damage is caught by CameraPipelineTest): it guards the behaviour.
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
        for (String id : List.of("a", "x-a", "b-a")) {
            assertThat(api.postJson("/api/stream/cameras/add", "{\"camera_id\":\"" + id + "\",\"rtsp_url\":\""
                    + rtsp.url("/cam") + "\",\"enable_analytics\":" + !id.equals("b-a") + "}").status()).isEqualTo(201);
        }
        Wait.until("all STREAMING", Duration.ofSeconds(20), () -> List.of("a", "x-a", "b-a").stream()
                .allMatch(id -> api.state(id).equals("STREAMING")));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }


    private static long framesAnalysed(String id) {
        return api.get("/api/stream/analytics/stats?camera_id=" + id).json().path("stats").path("frames_processed").asLong();
    }

    private static List<String> segments(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("seg_")).map(l -> l.substring(0, l.indexOf('?'))).toList();
    }

    @Test
    void removingAKeepsTheOtherCamerasStreamingWithHlsAndAnalytics() {
        JsonNode sessionA = HlsPlaybackITSupport.create(api, "a", "viewer-a");
        JsonNode sessionBa = HlsPlaybackITSupport.create(api, "b-a", "viewer-b-a");
        for (JsonNode s : List.of(sessionA, sessionBa)) {
            Wait.until("a first playlist", Duration.ofSeconds(20), () -> api.getWithoutKey(s.path("hls_url").asText()).status() == 200);
        }
        Wait.until("x-a analysed", Duration.ofSeconds(30), () -> framesAnalysed("x-a") > 0);

        assertThat(api.delete("/api/stream/cameras/a").status()).isEqualTo(200);
        assertThat(api.state("a")).isEqualTo("ABSENT");
        String hlsBa = sessionBa.path("hls_url").asText();
        List<String> before = segments(api.getWithoutKey(hlsBa).body());
        long packets = api.camera("x-a").orElseThrow().path("packets_received").asLong();
        long frames = framesAnalysed("x-a");

        // b-a's muxer ran during the removal: it goes on writing
        Wait.until("b-a HLS writes new segments", Duration.ofSeconds(15), () -> {
            Api.Response r = api.getWithoutKey(hlsBa);
            return r.status() == 200 && segments(r.body()).stream().anyMatch(seg -> !before.contains(seg));
        });
        assertNewestSegmentServed(hlsBa);

        // x-a's muxer starts after the removal: its queue must still be the one ingest fills
        String hlsXa = HlsPlaybackITSupport.create(api, "x-a", "viewer-x-a").path("hls_url").asText();
        Wait.until("x-a first playlist after a's removal", Duration.ofSeconds(20), () -> api.getWithoutKey(hlsXa).status() == 200);
        assertNewestSegmentServed(hlsXa);

        Wait.until("x-a analysed on", Duration.ofSeconds(15), () -> framesAnalysed("x-a") > frames);
        for (String id : List.of("x-a", "b-a")) {
            assertThat(api.state(id)).as(id).isEqualTo("STREAMING");
        }
        assertThat(api.camera("x-a").orElseThrow().path("packets_received").asLong()).isGreaterThan(packets);
        assertThat(api.get("/api/stream/health").json().path("analytics").path("cameras").asInt()).isEqualTo(1);
    }

    private static void assertNewestSegmentServed(String hlsUrl) {
        List<String> now = segments(api.getWithoutKey(hlsUrl).body());
        assertThat(now).isNotEmpty();
        String base = hlsUrl.substring(0, hlsUrl.indexOf("playlist.m3u8"));
        String token = hlsUrl.substring(hlsUrl.indexOf('?'));
        assertThat(api.getBytes(base + now.get(now.size() - 1) + token).status()).as("newest segment of " + hlsUrl).isEqualTo(200);
    }
}
