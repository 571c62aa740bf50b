package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * A slow analytics branch (test hook: 500 ms more per analysed frame) never slows ingest: the
 * camera keeps receiving every packet at 25 fps with no drop and no stall, another camera is
 * untouched, and analytics drops frames (counted) to stay on live video. A missing model leaves
 * analytics unavailable with a clear error while cameras stream.
 */
class AnalyticsIsolationIT {

    private static RtspServer rtsp;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/slow=h264", "/other=h264");
    }

    @AfterAll
    static void stop() {
        if (rtsp != null) rtsp.close();
    }

    @Test
    void slowAnalyticsDropsFramesAndIngestNeverStalls() {
        try (LenswireProcess app = LenswireProcess.start("isolation", "--lenswire.analytics.models-dir=" + Faces.models(),
                "--lenswire.analytics.test-delay-per-frame=500ms")) {
            Api api = app.api();
            assertThat(FaceAnalyticsIT.addAnalyticsCamera(api, "slow", rtsp.url("/slow")).status()).isEqualTo(201);
            assertThat(api.addCamera("other", rtsp.url("/other")).status()).isEqualTo(201);
            Wait.until("both STREAMING", Duration.ofSeconds(15), () -> api.state("slow").equals("STREAMING") && api.state("other").equals("STREAMING"));
            Wait.sleep(3000);
            List<long[]> samples = new ArrayList<>();
            for (int i = 0; i <= 15; i++) {
                JsonNode slow = api.camera("slow").orElseThrow();
                JsonNode other = api.camera("other").orElseThrow();
                samples.add(new long[] {System.nanoTime(), slow.path("packets_received").asLong(), slow.path("packets_dropped").asLong(),
                        other.path("packets_received").asLong()});
                Wait.sleep(1000);
            }
            for (int i = 1; i < samples.size(); i++) {
                double seconds = (samples.get(i)[0] - samples.get(i - 1)[0]) / 1e9;
                double rate = (samples.get(i)[1] - samples.get(i - 1)[1]) / seconds;
                assertThat(rate).as("slow camera packets/s in second %d", i).isGreaterThan(15);
            }
            long[] first = samples.get(0);
            long[] last = samples.get(samples.size() - 1);
            double seconds = (last[0] - first[0]) / 1e9;
            assertThat((last[1] - first[1]) / seconds).as("slow camera ingest rate").isBetween(22.0, 28.0);
            assertThat((last[3] - first[3]) / seconds).as("other camera ingest rate").isBetween(22.0, 28.0);
            assertThat(last[2]).as("packets lost by ingest or the fan-out").isZero();
            JsonNode stats = api.get("/api/stream/analytics/stats?camera_id=slow").json().path("stats");
            System.out.printf("AnalyticsIsolationIT: ingest %.1f packets/s; analytics processed %d, dropped %d, avg %.3f s%n",
                    (last[1] - first[1]) / seconds, stats.path("frames_processed").asLong(), stats.path("frames_dropped").asLong(),
                    stats.path("avg_processing_time").asDouble());
            assertThat(stats.path("frames_dropped").asLong()).as("frames_dropped rises").isGreaterThan(100);
            assertThat(stats.path("frames_processed").asLong()).isGreaterThan(5);
            assertThat(stats.path("avg_processing_time").asDouble()).isGreaterThan(0.5);
            long dropped = stats.path("frames_dropped").asLong();
            Wait.until("frames_dropped keeps rising", Duration.ofSeconds(10),
                    () -> api.get("/api/stream/analytics/stats?camera_id=slow").json().path("stats").path("frames_dropped").asLong() > dropped);
        }
    }

    @Test
    void missingModelLeavesStreamingWorking(@org.junit.jupiter.api.io.TempDir Path emptyModels) {
        // the default YuNet is packaged in the jar: only a detector file named in the settings can be missing
        try (LenswireProcess app = LenswireProcess.start("nomodel", "--lenswire.analytics.models-dir=" + emptyModels,
                "--lenswire.analytics.detector.model=yunet-missing.onnx")) {
            Api api = app.api();
            JsonNode health = api.get("/api/stream/health").json();
            assertThat(health.path("analytics").path("status").asText()).isEqualTo("unavailable");
            assertThat(health.path("analytics").path("error").asText()).contains("not found").contains("yunet-missing.onnx")
                    .doesNotContain(emptyModels.toString());
            assertThat(health.path("cameras").has("total")).isTrue();
            assertThat(app.log()).contains("FACE ANALYTICS UNAVAILABLE").contains("yunet-missing.onnx");
            assertThat(FaceAnalyticsIT.addAnalyticsCamera(api, "cam", rtsp.url("/other")).status()).isEqualTo(201);
            Wait.until("cam STREAMING", Duration.ofSeconds(15), () -> api.state("cam").equals("STREAMING"));
            Api.Response stats = api.get("/api/stream/analytics/stats?camera_id=cam");
            assertThat(stats.status()).isEqualTo(404);
            assertThat(stats.json().path("message").asText()).contains("not found");
            Api.Response upload = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                    Faces.Part.text("name", "X"), Faces.Part.file(Faces.photo("obama.jpg")));
            assertThat(upload.status()).isEqualTo(503);
            assertThat(upload.json().path("message").asText()).contains("unavailable");
        }
    }
}
