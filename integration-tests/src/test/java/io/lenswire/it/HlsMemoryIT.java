package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.hls.LlHlsPlaylistChecker;
import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * 25 watched cameras keep their LL-HLS in memory within the configured bound: a small
 * {@code max-bytes-per-camera} (1 MB) with a long {@code list-size} (30) makes the byte bound the
 * one that evicts, and nothing of HLS is written under the data dir.
 */
class HlsMemoryIT {

    private static final int CAMERAS = 25;
    private static final long MAX_BYTES = 1024 * 1024;
    private static final Pattern WINDOW_BYTES = Pattern.compile("(?m)^lenswire_hls_window_bytes\\{[^}]*camera=\"([^\"]+)\"[^}]*} ([0-9.E+]+)");

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("hls-memory", "--lenswire.hls.max-bytes-per-camera=1MB", "--lenswire.hls.list-size=30");
        api = app.api();
        for (int i = 0; i < CAMERAS; i++) {
            assertThat(api.addCamera("c" + i, rtsp.url("/cam")).status()).isEqualTo(201);
        }
        Wait.until("all cameras STREAMING", Duration.ofSeconds(60), () -> {
            for (int i = 0; i < CAMERAS; i++) {
                if (!api.state("c" + i).equals("STREAMING")) {
                    return false;
                }
            }
            return true;
        });
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    private static Map<String, Double> windowBytes() {
        Matcher m = WINDOW_BYTES.matcher(api.get("/actuator/prometheus").body());
        Map<String, Double> out = new HashMap<>();
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    @Test
    void everyWatchedCamerasWindowStaysWithinItsByteBoundAndNothingIsWritten() throws Exception {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < CAMERAS; i++) {
            JsonNode s = HlsPlaybackITSupport.create(api, "c" + i, "memory");
            urls.add(s.path("hls_url").asText());
            assertThat(api.getWithoutKey(s.path("hls_url").asText()).status()).isEqualTo(200);
        }
        assertThat(rtsp.connectedClients()).as("one RTSP connection per camera").isEqualTo(CAMERAS);
        // fill the windows until the byte bound has to evict (list-size 30 alone would keep them all)
        Wait.until("a window reaches 3/4 of its bound", Duration.ofSeconds(90),
                () -> windowBytes().values().stream().anyMatch(b -> b >= 0.75 * MAX_BYTES));
        Wait.sleep(5000);
        Map<String, Double> bytes = windowBytes();
        System.out.printf("window bytes per camera: %s%n", bytes);
        assertThat(bytes).hasSize(CAMERAS);
        assertThat(bytes.values()).allSatisfy(b -> assertThat(b).isGreaterThan(0).isLessThanOrEqualTo(MAX_BYTES));
        for (String url : urls) {
            Api.Response r = api.getWithoutKey(url);
            assertThat(r.status()).isEqualTo(200);
            String token = url.substring(url.indexOf("token=") + "token=".length());
            LlHlsPlaylistChecker.assertConforms(r.body(), token);
            long listed = r.body().lines().filter(l -> l.startsWith("#EXTINF")).count();
            assertThat(listed).as("segments kept under the byte bound").isLessThan(30);
        }
        try (var files = Files.walk(app.dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".m4s") || n.endsWith(".m3u8") || n.matches("init.*\\.mp4")))
                    .as("HLS files under the data dir").isEmpty();
        }
    }
}
