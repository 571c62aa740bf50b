package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HlsBrowserIT {

    /** A pause in playback shorter than a frame (25 fps) is not a stall a viewer can see. */
    private static final double STALL_MILLIS = 40;

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
    @Order(1) // the first viewer, of a segmenter started for it
    @SuppressWarnings("unchecked")
    void hlsJsLowLatencyModePlaysTenSecondsAndStaysWithinOnePointFiveSeconds() {
        JavascriptExecutor js = openPlayer("browser-user");
        assertThat((Boolean) js.executeScript("return window.Hls !== undefined && Hls.isSupported();"))
                .as("hls.js loaded from the jar and MSE available").isTrue();
        js.executeScript(DIAGNOSIS);
        Wait.until("video.currentTime >= 1 s", Duration.ofSeconds(30), () -> currentTime(js) >= 1.0);
        // from here on: the time from every 'waiting' event to the next 'playing' one
        js.executeScript(STALLS);
        long startNanos = System.nanoTime();
        List<Double> latencies = playSampling(js, 10, Duration.ofSeconds(20),
                () -> ((Number) js.executeScript("return window.lenswireHls.latency;")).doubleValue());
        // no stall at all (issue 13): playback never stops for a frame or more. Chromium may fire
        // a 'waiting' that a 'playing' follows within the same millisecond (seen at a part
        // boundary with the buffer 0.7 s ahead); those are listed, not counted. A wait while
        // seeking is the page's own jump to live (keepLive, once, early for a first viewer who
        // started a GOP behind): counted apart, and it must be short (a seek inside the buffer)
        List<Number> seekWaits = (List<Number>) js.executeScript("return window.seekWaits;");
        long seeks = ((Number) js.executeScript("return window.seeks;")).longValue();
        long playedNanos = System.nanoTime() - startNanos;
        List<Number> waits = (List<Number>) js.executeScript("return window.waits.concat(window.waitingSince === null ? [] : [performance.now() - window.waitingSince]);");
        long stalls = waits.stream().filter(w -> w.doubleValue() >= STALL_MILLIS).count();
        System.out.printf("hls.js low-latency mode: %d stalls (waiting events, ms: %s), %d seeks (waits %s ms), 10 s of video in %d ms%n",
                stalls, waits, seeks, seekWaits, playedNanos / 1_000_000);
        System.out.println("hls.js low-latency mode, what the page saw:\n  " + String.join("\n  ",
                (List<String>) js.executeScript("return window.diagnosis;")));
        List<Double> sorted = latencies.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        if (stalls > 0 || median > 1.5 || playedNanos >= 13_000_000_000L) {
            // hls.js's own account of which parts and segments it chose, for the cause
            List<String> log = (List<String>) js.executeScript("return window.hlsLog;");
            System.out.println("hls.js log:\n  " + String.join("\n  ", log));
        }
        assertThat(playedNanos).as("10 s of video played within 13 s").isLessThan(13_000_000_000L);
        assertThat(stalls).as("stalls while playing 10 s (waits %s ms)", waits).isZero();
        assertThat(seeks).as("jumps to live while playing 10 s").isLessThanOrEqualTo(1);
        assertThat(seekWaits).as("a jump to live is a seek inside the buffer").allMatch(w -> w.doubleValue() < 250);
        assertThat((Boolean) js.executeScript("return window.lenswireHls.lowLatencyMode;")).isTrue();
        assertThat((String) js.executeScript("return Hls.version;")).as("the hls.js the build took from npm").isEqualTo(HLSJS_VERSION);
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
     * A viewer who fell far behind (here: paused for 4 s; in the field, a slow start or a long
     * stall) is brought back to live. hls.js alone speeds up only within one target duration of
     * its target latency and would play on 4 s behind for good.
     */
    @Test
    @Order(2)
    void aViewerFarBehindIsBroughtBackToLive() {
        JavascriptExecutor js = openPlayer("browser-paused");
        Wait.until("video.currentTime >= 1 s", Duration.ofSeconds(30), () -> currentTime(js) >= 1.0);
        js.executeScript("document.getElementById('video').pause();");
        Wait.sleep(4000);
        double behind = latency(js);
        assertThat(behind).as("the pause put the viewer more than a target duration behind").isGreaterThan(2.5);
        js.executeScript("document.getElementById('video').play();");
        Wait.until("latency back under 1.5 s (it was " + behind + " s after the pause)", Duration.ofSeconds(6), () -> latency(js) < 1.5);
        assertThat((String) js.executeScript("return document.getElementById('status').textContent;")).doesNotContain("fatal");
    }

    /**
     * hls.js asks for Playlist Delta Updates ({@code _HLS_skip=YES}) wherever a playlist offers
     * them (CAN-SKIP-UNTIL: a server that keeps more than 6 segments), merges each into the
     * playlist it had, and plays on from them without a stall.
     */
    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void hlsJsPlaysFromDeltaUpdatesOfAServerThatKeepsTwelveSegments() {
        try (LenswireProcess longWindow = LenswireProcess.start("browser-delta", "--lenswire.hls.list-size=12")) {
            longWindow.api().addCamera("cam", rtsp.url("/cam"));
            Wait.until("camera STREAMING", Duration.ofSeconds(15), () -> longWindow.api().state("cam").equals("STREAMING"));
            JavascriptExecutor js = openPlayer(longWindow.api(), "browser-delta");
            js.executeScript("""
                    window.deltas = 0; window.deltaFailures = 0; window.reloads = 0;
                    window.lenswireHls.on(Hls.Events.LEVEL_UPDATED, (e, d) => {
                      window.reloads++;
                      if (d.details.skippedSegments > 0) window.deltas++;
                      if (d.details.deltaUpdateFailed) window.deltaFailures++;
                    });""");
            Wait.until("video.currentTime >= 1 s", Duration.ofSeconds(30), () -> currentTime(js) >= 1.0);
            js.executeScript(STALLS);
            // past 6 s of kept segments the playlists have something to skip
            List<Double> latencies = playSampling(js, 12, Duration.ofSeconds(25), () -> latency(js));
            long deltas = ((Number) js.executeScript("return window.deltas;")).longValue();
            long failures = ((Number) js.executeScript("return window.deltaFailures;")).longValue();
            long reloads = ((Number) js.executeScript("return window.reloads;")).longValue();
            List<Number> waits = (List<Number>) js.executeScript("return window.waits;");
            System.out.printf("hls.js with delta updates: %d of %d playlist updates skipped segments, %d failed to merge, waits %s ms%n",
                    deltas, reloads, failures, waits);
            assertThat(deltas).as("delta updates hls.js merged (of %d playlist updates)", reloads).isGreaterThan(10);
            assertThat(failures).as("delta updates hls.js could not merge").isZero();
            assertThat(waits.stream().filter(w -> w.doubleValue() >= STALL_MILLIS).count()).as("stalls (waits %s ms)", waits).isZero();
            List<Double> sorted = latencies.stream().sorted().toList();
            assertThat(sorted.get(sorted.size() / 2)).as("median latency of %s", latencies).isLessThanOrEqualTo(1.5);
            assertThat((String) js.executeScript("return document.getElementById('status').textContent;")).doesNotContain("fatal");
        }
    }

    /**
     * Waits while the page plays {@code seconds} more of video (failing if that takes longer than
     * {@code within}), taking {@code sample} every 500 ms; returns the samples.
     */
    private static List<Double> playSampling(JavascriptExecutor js, double seconds, Duration within, Supplier<Double> sample) {
        double start = currentTime(js);
        long startNanos = System.nanoTime();
        List<Double> samples = new ArrayList<>();
        while (currentTime(js) < start + seconds) {
            assertThat(System.nanoTime() - startNanos).as("%s s of video within %s", seconds, within).isLessThan(within.toNanos());
            Wait.sleep(500);
            samples.add(sample.get());
        }
        return samples;
    }

    /** player.html (keeping hls.js's log) on a new session of {@code user}'s. */
    private static JavascriptExecutor openPlayer(String user) {
        return openPlayer(app.api(), user);
    }

    /** As {@link #openPlayer(String)}, on the server {@code api} speaks to. */
    private static JavascriptExecutor openPlayer(Api api, String user) {
        JsonNode session = HlsPlaybackITSupport.create(api, "cam", user);
        String src = URLEncoder.encode(session.path("hls_url").asText(), StandardCharsets.UTF_8);
        browser.get(api.base() + "/player.html?debug=1&src=" + src);
        return browser;
    }

    /**
     * Seconds from the live edge (as of the last playlist, plus its age) to what is shown: hls.js's
     * own latency figure, computed now (hls.latency is updated only while the video plays).
     */
    private static double latency(JavascriptExecutor js) {
        return ((Number) js.executeScript("""
                const d = window.lenswireHls.latestLevelDetails;
                return d.edge + d.age - document.getElementById('video').currentTime;""")).doubleValue();
    }

    /** Each 'waiting' until the next 'playing', in ms, in window.waits; window.waitingSince while one lasts. */
    private static final String STALLS = """
            window.waits = []; window.seekWaits = []; window.seeks = 0; window.waitingSince = null;
            let inSeek = false, waitInSeek = false;
            const video = document.getElementById('video');
            video.addEventListener('seeking', () => { window.seeks++; inSeek = true; });
            video.addEventListener('seeked', () => { inSeek = false; });
            video.addEventListener('waiting', () => {
              if (window.waitingSince === null) { window.waitingSince = performance.now(); waitInSeek = inSeek; }
            });
            video.addEventListener('playing', () => {
              if (window.waitingSince !== null) {
                (waitInSeek ? window.seekWaits : window.waits).push(performance.now() - window.waitingSince);
                window.waitingSince = null;
              }
            });
            """;

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
