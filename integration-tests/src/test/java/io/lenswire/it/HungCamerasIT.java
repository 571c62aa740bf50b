package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.HungServer;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * 30 cameras whose server accepts TCP and never answers (half silent, half trickling a byte every
 * 2 s, which no socket timeout catches): more than the 10 native slots JavaCPP has per callback
 * class, so only a shared interrupt callback gives each its connect deadline and a fast DELETE.
 */
class HungCamerasIT {

    private static final int CAMERAS = 30;
    private static final Duration CONNECT = Duration.ofSeconds(2);
    /** Slack over the connect timeout for the status poll and a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofMillis(2500);
    private static HungServer silent;
    private static HungServer trickling;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() throws IOException {
        silent = new HungServer(null);
        trickling = new HungServer(Duration.ofSeconds(2));
        rtsp = RtspServer.start(null, "/good=h264");
        // the read (socket) timeout is longer than the test waits: only the connect deadline may end an attempt
        app = LenswireProcess.start("hung", "--lenswire.ingest.connect-timeout=" + CONNECT.toSeconds() + "s",
                "--lenswire.ingest.read-timeout=60s");
        api = app.api();
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (silent != null) silent.close();
        if (trickling != null) trickling.close();
    }

    @Test
    void everyHungCameraMeetsItsDeadlineAndGoesQuickly() {
        Map<String, Long> addedAt = new LinkedHashMap<>();
        for (int i = 0; i < CAMERAS; i++) {
            String id = "hung" + i;
            HungServer server = i % 2 == 0 ? silent : trickling;
            assertThat(api.addCamera(id, server.url("/x" + i)).status()).isEqualTo(201);
            addedAt.put(id, System.nanoTime());
        }
        Map<String, Long> failedAfterMs = new LinkedHashMap<>();
        Wait.until("every hung camera out of its first attempt", Duration.ofSeconds(30), () -> {
            long now = System.nanoTime();
            for (JsonNode c : api.get("/api/stream/cameras/status").json().path("cameras")) {
                String id = c.path("camera_id").asText();
                if (addedAt.containsKey(id) && !failedAfterMs.containsKey(id)
                        && c.path("state").asText().matches("RECONNECTING|FAILED")) {
                    failedAfterMs.put(id, (now - addedAt.get(id)) / 1_000_000);
                }
            }
            return failedAfterMs.size() == CAMERAS;
        });
        assertThat(failedAfterMs).as("ms from add to RECONNECTING/FAILED, per camera").hasSize(CAMERAS)
                .allSatisfy((id, ms) -> assertThat(ms).as(id).isLessThan(CONNECT.plus(SLACK).toMillis()));
        assertThat(silent.accepted() + trickling.accepted()).as("connections the hung servers took").isGreaterThanOrEqualTo(CAMERAS);

        // a good camera added while 30 hang is not held up by them
        long goodAdded = System.nanoTime();
        assertThat(api.addCamera("good", rtsp.url("/good")).status()).isEqualTo(201);
        Wait.until("good STREAMING", Duration.ofSeconds(10), () -> api.state("good").equals("STREAMING"));
        assertThat((System.nanoTime() - goodAdded) / 1_000_000).as("ms until the good camera streams").isLessThan(3000);

        for (String id : addedAt.keySet()) {
            long start = System.nanoTime();
            assertThat(api.delete("/api/stream/cameras/" + id).status()).as("DELETE " + id).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to DELETE %s", id).isLessThan(2000);
        }
        assertThat(api.state("good")).isEqualTo("STREAMING");
        assertThat(api.get("/api/stream/health").status()).isEqualTo(200);
    }
}
