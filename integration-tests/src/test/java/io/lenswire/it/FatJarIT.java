package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;

/**
 * The other tests run the extracted layout; users may still run the single self-contained jar
 * ({@code processors/target/lenswire.jar}), where classes and native libraries come out of nested
 * jars. This checks each part that loads something from them: the routes (Camel's classpath scan),
 * FFmpeg (demo camera, HLS), OpenCV (face detection) and the console's static files.
 */
class FatJarIT {

    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        // a list from the command line replaces application.yaml's whole list: the demo camera again, analysed
        app = LenswireProcess.start(TestPaths.fatJar(), "fatjar",
                "--lenswire.cameras[0].id=demo",
                "--lenswire.cameras[0].url=demo:",
                "--lenswire.cameras[0].analytics=true");
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    @Test
    void demoCameraStreamsAndPlaysAsHls() {
        Wait.until("demo camera STREAMING", Duration.ofSeconds(60), () -> api.state("demo").equals("STREAMING"));
        JsonNode session = HlsPlaybackITSupport.create(api, "demo", "fat-jar-viewer");
        String hls = session.path("hls_url").asText();
        Wait.until("a playlist with segments", Duration.ofSeconds(30), () -> {
            Api.Response playlist = api.getWithoutKey(hls);
            return playlist.status() == 200 && playlist.body().contains("#EXTINF");
        });
        Media.Result probe = Media.probe(api.base() + hls);
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("h264");
    }

    @Test
    void faceAnalyticsRunsOnTheDemoCamera() {
        Wait.until("analytics ready", Duration.ofSeconds(60),
                () -> api.get("/api/stream/health").json().path("analytics").path("status").asText().equals("ready"));
        Wait.until("demo frames analysed", Duration.ofSeconds(60), () -> {
            Api.Response r = api.get("/api/stream/analytics/stats?camera_id=demo");
            return r.status() == 200 && r.json().path("stats").path("frames_processed").asLong() > 0;
        });
        assertThat(api.get("/api/stream/analytics/stats?camera_id=demo").json().path("stats").path("decode_errors").asLong())
                .isZero();
    }

    @Test
    void consoleAndItsVendoredPlayerAreServed() {
        Api.Response index = api.getWithoutKey("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).containsIgnoringCase("<html");
        assertThat(api.getWithoutKey("/vendor/hls.js/dist/hls.min.js").status()).isEqualTo(200);
    }
}
