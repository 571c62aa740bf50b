package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Browser;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * hls.js (served from the jar) in headless Chromium plays a camera through the built-in player
 * page, in its low-latency mode (parts, blocking playlist reloads).
 */
class HlsBrowserIT {

    /** hlsjs.version in pom.xml, given to the tests by the failsafe configuration. */
    private static final String HLSJS_VERSION = System.getProperty("lenswire.hlsjs.version", "unset");

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("browser");
        app.api().addCamera("cam", rtsp.url("/cam"));
        Wait.until("camera STREAMING", Duration.ofSeconds(15), () -> app.api().state("cam").equals("STREAMING"));
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void hlsJsLowLatencyModePlaysTenSecondsAndStaysWithinOnePointFiveSeconds() {
        Api api = app.api();
        JsonNode session = HlsPlaybackITSupport.create(api, "cam", "browser-user");
        String src = URLEncoder.encode(session.path("hls_url").asText(), StandardCharsets.UTF_8);
        browser.get(api.base() + "/player.html?src=" + src);
        JavascriptExecutor js = browser;
        assertThat((Boolean) js.executeScript("return window.Hls !== undefined && Hls.isSupported();"))
                .as("hls.js loaded from the jar and MSE available").isTrue();
        js.executeScript(DIAGNOSIS);
        Wait.until("video.currentTime >= 1 s", Duration.ofSeconds(30), () -> currentTime(js) >= 1.0);
        // from here on: every 'waiting' event is a stall
        js.executeScript("window.stalls = 0; document.getElementById('video').addEventListener('waiting', () => window.stalls++);");
        double start = currentTime(js);
        long startNanos = System.nanoTime();
        List<Double> latencies = new ArrayList<>();
        while (currentTime(js) < start + 10.0) {
            assertThat(System.nanoTime() - startNanos).as("10 s of video within 20 s").isLessThan(20_000_000_000L);
            Wait.sleep(500);
            Number latency = (Number) js.executeScript("return window.lenswireHls.latency;");
            latencies.add(latency.doubleValue());
        }
        // no stall at all (issue 13). hls.js 1.4.12 stalled twice in 10 s in about 3 runs of 8
        // on the same server; 1.7.4 did not stall in 7 of 7, 2 of them with a core taken by a
        // busy loop. A stall also costs hls.js 1 s of target latency (liveSyncOnStallIncrease),
        // which the latency bound below would catch anyway.
        long playedNanos = System.nanoTime() - startNanos;
        int stalls = ((Number) js.executeScript("return window.stalls;")).intValue();
        System.out.printf("hls.js low-latency mode: %d stalls, 10 s of video in %d ms%n", stalls, playedNanos / 1_000_000);
        System.out.println("hls.js low-latency mode, what the page saw:\n  " + String.join("\n  ",
                (List<String>) js.executeScript("return window.diagnosis;")));
        assertThat(playedNanos).as("10 s of video played within 13 s").isLessThan(13_000_000_000L);
        assertThat(stalls).as("stalls while playing 10 s").isZero();
        assertThat((Boolean) js.executeScript("return window.lenswireHls.lowLatencyMode;")).isTrue();
        assertThat((String) js.executeScript("return Hls.version;")).as("the hls.js the build took from npm").isEqualTo(HLSJS_VERSION);
        List<Double> sorted = latencies.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        System.out.printf("hls.js low-latency mode: latency median %.2f s, max %.2f s over %d samples%n",
                median, sorted.get(sorted.size() - 1), sorted.size());
        assertThat(median).as("hls.js's reported latency (median of %s)", latencies).isBetween(0.2, 1.5);
        String status = (String) js.executeScript("return document.getElementById('status').textContent;");
        assertThat(status).doesNotContain("fatal");
        assertThat((String) js.executeScript("return document.getElementById('latency').textContent;")).matches("latency: [0-9.]+ s");
        Number width = (Number) js.executeScript("return document.getElementById('video').videoWidth;");
        assertThat(width.intValue()).isEqualTo(1280);
    }

    /**
     * What a stall looks like from the page: the video element's waiting/playing/seeking events
     * with its position and buffered ranges, hls.js's errors with the HTTP status, and its
     * playlist reloads that took longer than a part; printed, so a red run says why.
     */
    private static final String DIAGNOSIS = """
            window.diagnosis = [];
            const v = document.getElementById('video'), h = window.lenswireHls, t0 = performance.now();
            const at = () => ((performance.now() - t0) / 1000).toFixed(2) + ' s';
            const buffered = () => { const b = v.buffered, r = []; for (let i = 0; i < b.length; i++) r.push(b.start(i).toFixed(2) + '-' + b.end(i).toFixed(2)); return r.join(' '); };
            const note = (what) => { if (window.diagnosis.length < 200) window.diagnosis.push(at() + ' ' + what + ' t=' + v.currentTime.toFixed(2) + ' buffered=' + buffered()); };
            ['waiting', 'playing', 'seeking', 'stalled'].forEach(e => v.addEventListener(e, () => note(e)));
            h.on(Hls.Events.ERROR, (e, d) => note('hls error ' + d.details + (d.fatal ? ' fatal' : '') + (d.response ? ' http ' + d.response.code : '')));
            h.on(Hls.Events.LEVEL_LOADED, (e, d) => { const s = d.stats; const took = s.loading.end - s.loading.start;
              if (took > 400) note('playlist reload took ' + took.toFixed(0) + ' ms (last part ' + d.details.lastPartSn + '.' + d.details.lastPartIndex + ')'); });
            """;

    private static double currentTime(JavascriptExecutor js) {
        Number t = (Number) js.executeScript("return document.getElementById('video').currentTime;");
        return t == null ? 0 : t.doubleValue();
    }
}
