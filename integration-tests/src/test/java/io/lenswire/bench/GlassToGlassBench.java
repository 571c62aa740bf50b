package io.lenswire.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Browser;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Ports;
import io.lenswire.it.support.Wait;

/**
 * Glass-to-glass latency of Low-Latency HLS playback in headless Chromium, with the built-in
 * player page ({@code /player.html}, hls.js). A benchmark program, not a test: run it with
 * {@code scripts/bench/glass.sh}.
 *
 * <p>The camera is {@code scripts/bench/clock_rtsp_server.py}: every frame carries, as a bar code,
 * the wall-clock time at which it was made, and is then encoded live with x264 (zerolatency, 1 s
 * GOP, 2 Mbit/s) and served over RTSP. For every player mode given ({@code --players}, default
 * {@code ll,standard}) and every segment duration (default: the server's, 1 s segments with 200 ms
 * parts) a fresh Lenswire (demo camera disabled) ingests that camera and a playback session is
 * created. The player modes: <b>ll</b> is the page as it is ({@code lowLatencyMode: true}: parts,
 * blocking reloads, {@code PART-HOLD-BACK} behind the live edge), <b>standard</b> the page with
 * {@code &lowLatency=0} ({@code lowLatencyMode: false}: whole segments, hls.js's default
 * {@code liveSyncDurationCount} of 3 target durations behind the edge), as a client that does not
 * know LL-HLS. Two viewers are measured in turn, each after a warm-up and for the measuring window:
 * the <b>first</b> viewer, whose playlist request starts the camera's segmenter, then a
 * <b>joining</b> viewer that reopens the page while the segmenter runs. The page records:
 * <ul>
 * <li><b>bar code</b> (end to end): for every 5th presented frame ({@code requestVideoFrameCallback})
 *     the frame's bar code is read back from a canvas and subtracted from the frame's expected
 *     display time on the same clock. Covers camera encode, RTSP, ingest, muxing, waiting for the
 *     segment to be complete, HTTP, the player's buffer, decode and display.</li>
 * <li><b>PDT</b>: every 250 ms, {@code Date.now() - hls.playingDate} (hls.js maps the playing
 *     position to wall time through {@code #EXT-X-PROGRAM-DATE-TIME}, which Lenswire dates by when
 *     it received a segment's first frame), so this misses only the camera's encode + RTSP.</li>
 * <li>hls.js's own {@code hls.latency} (distance from the live edge of the playlist).</li>
 * <li><b>stalls</b>: the video element's {@code waiting} events in the window.</li>
 * </ul>
 * As a baseline without HLS, {@code ffmpeg -rtsp_transport tcp} then decodes the same RTSP stream
 * to raw frames, and the bar code of each frame is read when it arrives (encode + RTSP + decode).
 *
 * <p>Options: {@code --seconds S} (window, default 20), {@code --warmup S} (default 8),
 * {@code --players ll,standard}, {@code --segment-durations 1s,2s} (default: none given, the
 * server's default), {@code --runs R} (default 1; medians over runs). Targets (issue 13): hls.js
 * low-latency mode median ≤ 1500 ms and p95 ≤ 2000 ms by the bar code.
 */
public final class GlassToGlassBench {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;

    /**
     * Installed as the page opens: the video element's waiting/seeking events with position and
     * buffered ranges, hls.js's errors, and playlist reloads slower than 400 ms, printed after
     * each viewer so that a stall says when and why.
     */
    private static final String DIAGNOSIS = """
            window.g2gDiag = [];
            const v = document.getElementById('video'), h = window.lenswireHls, t0 = performance.now();
            const buffered = () => { const b = v.buffered, r = []; for (let i = 0; i < b.length; i++) r.push(b.start(i).toFixed(2) + '-' + b.end(i).toFixed(2)); return r.join(' '); };
            const note = (what) => { if (window.g2gDiag.length < 300) window.g2gDiag.push(((performance.now() - t0) / 1000).toFixed(2) + ' s ' + what + ' t=' + v.currentTime.toFixed(2) + ' buffered=' + buffered()); };
            ['waiting', 'seeking'].forEach(e => v.addEventListener(e, () => note(e)));
            h.on(Hls.Events.ERROR, (e, d) => note('hls error ' + d.details + (d.fatal ? ' fatal' : '') + (d.response ? ' http ' + d.response.code : '')));
            h.on(Hls.Events.LEVEL_LOADED, (e, d) => { const s = d.stats; const took = s.loading.end - s.loading.start;
              if (took > 400) note('playlist reload took ' + took.toFixed(0) + ' ms (last part ' + d.details.lastPartSn + '.' + d.details.lastPartIndex + ')'); });
            """;

    /** Installed in the player page once it plays; fills window.g2g. */
    private static final String SAMPLER = """
            const v = document.getElementById('video');
            const c = document.createElement('canvas');
            c.width = 1280; c.height = 160;
            const ctx = c.getContext('2d', { willReadFrequently: true });
            window.g2g = { bar: [], pdt: [], edge: [], unreadable: 0, frames: 0, rvfc: false, stalls: 0 };
            v.addEventListener('waiting', () => { window.g2g.stalls++; });
            function code() {
              ctx.drawImage(v, 0, 0, 1280, 160, 0, 0, 1280, 160);
              const d = ctx.getImageData(0, 0, 1280, 160).data;
              let a = 0, b = 0;
              for (let i = 0; i < 32; i++) {
                const x = i * 40 + 20;
                a = a * 2 + (d[(60 * 1280 + x) * 4] > 128 ? 1 : 0);
                b = b * 2 + (d[(140 * 1280 + x) * 4] > 128 ? 1 : 0);
              }
              return a + b === 4294967295 ? a : null;
            }
            function record(displayedAt) {
              const value = code();
              if (value === null) { window.g2g.unreadable++; return; }
              window.g2g.bar.push(((displayedAt % 4294967296) - value + 4294967296) % 4294967296);
            }
            if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
              window.g2g.rvfc = true;
              const onFrame = (_now, meta) => {
                if (window.g2g.frames++ % 5 === 0) {
                  record(Math.round(performance.timeOrigin + meta.expectedDisplayTime));
                }
                v.requestVideoFrameCallback(onFrame);
              };
              v.requestVideoFrameCallback(onFrame);
            } else {
              setInterval(() => { window.g2g.frames++; record(Date.now()); }, 200);
            }
            setInterval(() => {
              const hls = window.lenswireHls;
              if (!hls || v.paused) { return; }
              const pd = hls.playingDate;
              if (pd) { window.g2g.pdt.push(Date.now() - pd.getTime()); }
              if (hls.latency) { window.g2g.edge.push(Math.round(hls.latency * 1000)); }
            }, 250);
            """;

    private GlassToGlassBench() {
    }

    /** The server's default segment duration: no flag passed. */
    private static final String DEFAULT_DURATION = "default";

    record Result(String player, String segmentDuration, int run, String viewer, List<Long> bar, List<Long> pdt, List<Long> edge,
                  long unreadable, long stalls, boolean rvfc, List<Long> rtspBaseline, String firstPlaylist) {

        String key() {
            return player + " " + segmentDuration + " " + viewer;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int warmup = 8;
        int runs = 1;
        List<String> durations = List.of(DEFAULT_DURATION);
        List<String> players = List.of("ll", "standard");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--segment-durations" -> durations = List.of(args[++i].split(","));
                case "--players" -> players = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path clockServer = Path.of(System.getProperty("lenswire.bench.clockserver", "../scripts/bench/clock_rtsp_server.py"))
                .toAbsolutePath().normalize();
        Path config = Files.createTempFile("lenswire-bench-", ".yaml");
        Files.writeString(config, "lenswire:\n  cameras: []\n"); // no demo camera
        List<Result> results = new ArrayList<>();
        int port = Ports.free();
        Process camera = startClockCamera(clockServer, port);
        try {
            String rtsp = "rtsp://127.0.0.1:" + port + "/clock";
            for (int run = 1; run <= runs; run++) {
                for (String player : players) {
                    if (!player.equals("ll") && !player.equals("standard")) {
                        throw new IllegalArgumentException("--players: ll or standard, not " + player);
                    }
                    for (String d : durations) {
                        results.addAll(measure(rtsp, config, player, d, run, warmup, seconds));
                    }
                }
            }
        } finally {
            camera.destroy();
            if (!camera.waitFor(5, TimeUnit.SECONDS)) {
                camera.destroyForcibly();
            }
            Files.deleteIfExists(config);
        }
        report(results, seconds);
    }

    private static Process startClockCamera(Path script, int port) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--port", Integer.toString(port))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.contains("\"ready\"")) {
            p.destroyForcibly();
            throw new IllegalStateException("clock camera did not start: " + line);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // ended
            }
        }, "clock-camera-out");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /**
     * Two viewers in turn: the first one (its playlist request starts the camera's segmenter) and
     * then, after {@code warmup + seconds} more, a viewer that opens the page while the segmenter
     * is running.
     */
    private static List<Result> measure(String rtsp, Path config, String player, String segmentDuration, int run, int warmup,
                                        int seconds) throws Exception {
        System.err.printf("player %s, segment-duration %s, run %d%n", player, segmentDuration, run);
        List<String> appArgs = new ArrayList<>(List.of("--spring.config.additional-location=file:" + config));
        if (!segmentDuration.equals(DEFAULT_DURATION)) {
            appArgs.add("--lenswire.hls.segment-duration=" + segmentDuration);
        }
        LenswireProcess app = LenswireProcess.start("g2g-" + player + "-" + segmentDuration, appArgs.toArray(String[]::new));
        ChromeDriver browser = null;
        try {
            Api api = app.api();
            api.addCamera("clock", rtsp);
            Wait.until("camera STREAMING", Duration.ofSeconds(30), () -> api.state("clock").equals("STREAMING"));
            Thread.sleep(2000);
            Api.Response created = api.postJson("/api/stream/playback/create-session",
                    "{\"camera_id\":\"clock\",\"user_id\":\"g2g\"}");
            if (created.status() != 201) {
                throw new IllegalStateException("create-session: " + created.status() + " " + created.body());
            }
            JsonNode session = created.json();
            String page = api.base() + "/player.html?src="
                    + URLEncoder.encode(session.path("hls_url").asText(), StandardCharsets.UTF_8)
                    + (player.equals("standard") ? "&lowLatency=0" : "");
            browser = Browser.start();
            List<Result> results = new ArrayList<>();
            for (String viewer : List.of("first", "joining")) {
                Sampled s = play(browser, page, warmup, seconds);
                String playlist = api.send(api.request(session.path("hls_url").asText()).GET().build()).body();
                results.add(new Result(player, segmentDuration, run, viewer, s.bar(), s.pdt(), s.edge(), s.unreadable(),
                        s.stalls(), s.rvfc(), List.of(), playlist));
            }
            browser.quit();
            browser = null;
            List<Long> baseline = rtspBaseline(rtsp, 100);
            Result last = results.remove(results.size() - 1);
            results.add(new Result(last.player(), last.segmentDuration(), last.run(), last.viewer(), last.bar(), last.pdt(),
                    last.edge(), last.unreadable(), last.stalls(), last.rvfc(), baseline, last.firstPlaylist()));
            return results;
        } finally {
            if (browser != null) {
                browser.quit();
            }
            app.close();
            deleteTree(app.dataDir());
        }
    }

    record Sampled(List<Long> bar, List<Long> pdt, List<Long> edge, long unreadable, long stalls, boolean rvfc) {
    }

    /** Opens (or reopens) the player page, waits until it plays, warms up, samples for the window. */
    private static Sampled play(ChromeDriver browser, String page, int warmup, int seconds) throws InterruptedException {
        JavascriptExecutor js = browser;
        browser.get(page);
        if (Boolean.TRUE.equals(js.executeScript("return window.lenswireHls !== undefined;"))) {
            js.executeScript(DIAGNOSIS);
        }
        Wait.until("video playing", Duration.ofSeconds(40), () -> {
            Number t = (Number) js.executeScript("return document.getElementById('video').currentTime;");
            return t != null && t.doubleValue() > 0.5;
        });
        js.executeScript(SAMPLER);
        Thread.sleep(warmup * 1000L);
        js.executeScript("window.g2g.bar = []; window.g2g.pdt = []; window.g2g.edge = []; window.g2g.unreadable = 0;"
                + " window.g2g.stalls = 0;");
        Thread.sleep(seconds * 1000L);
        Sampled s = new Sampled(longs(js.executeScript("return window.g2g.bar;")),
                longs(js.executeScript("return window.g2g.pdt;")), longs(js.executeScript("return window.g2g.edge;")),
                ((Number) js.executeScript("return window.g2g.unreadable;")).longValue(),
                ((Number) js.executeScript("return window.g2g.stalls;")).longValue(),
                Boolean.TRUE.equals(js.executeScript("return window.g2g.rvfc;")));
        Object diagnosis = js.executeScript("return window.g2gDiag;");
        if (diagnosis instanceof List<?> lines) {
            System.err.println("what the page saw (from opening it):");
            lines.forEach(l -> System.err.println("  " + l));
        }
        String status = (String) js.executeScript("return document.getElementById('status').textContent;");
        if (status.contains("fatal")) {
            throw new IllegalStateException("player: " + status);
        }
        return s;
    }

    /** ffmpeg decodes the RTSP stream to grey frames; the latency of each frame when it arrives. */
    private static List<Long> rtspBaseline(String rtsp, int frames) throws IOException, InterruptedException {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                "-fflags", "nobuffer", "-rtsp_transport", "tcp", "-i", rtsp, "-frames:v", Integer.toString(frames + 25),
                "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> out = new ArrayList<>();
        byte[] frame = new byte[WIDTH * HEIGHT];
        try (InputStream in = ffmpeg.getInputStream()) {
            for (int n = 0; n < frames + 25; n++) {
                if (in.readNBytes(frame, 0, frame.length) < frame.length) {
                    break;
                }
                long now = System.currentTimeMillis();
                if (n < 25) {
                    continue; // the first second is delivered in a burst after probing
                }
                long a = 0;
                long b = 0;
                for (int i = 0; i < 32; i++) {
                    int x = i * 40 + 20;
                    a = a * 2 + ((frame[60 * WIDTH + x] & 0xff) > 128 ? 1 : 0);
                    b = b * 2 + ((frame[140 * WIDTH + x] & 0xff) > 128 ? 1 : 0);
                }
                if (a + b == 0xFFFFFFFFL) {
                    out.add(Math.floorMod((now & 0xFFFFFFFFL) - a, 1L << 32));
                }
            }
        } finally {
            ffmpeg.destroy();
            if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) {
                ffmpeg.destroyForcibly();
            }
        }
        return out;
    }

    private static List<Long> longs(Object o) {
        List<Long> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object x : list) {
                out.add(((Number) x).longValue());
            }
        }
        return out;
    }

    private static void report(List<Result> results, int seconds) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Glass-to-glass latency, %s, %d cores, window %d s (ms)%n%n",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                seconds));
        s.append("| player | segment-duration | run | viewer | method | samples | min | median | p95 | max |\n"
                + "|---|---|---:|---|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            row(s, r, "bar code, end to end" + (r.rvfc() ? "" : " (no rVFC: sampled)")
                    + (r.unreadable() > 0 ? " (" + r.unreadable() + " unreadable)" : "")
                    + " (" + r.stalls() + " stalls)", r.bar());
            row(s, r, "PDT: Date.now() - hls.playingDate", r.pdt());
            row(s, r, "hls.js latency (to live edge of playlist)", r.edge());
            if (!r.rtspBaseline().isEmpty()) {
                row(s, r, "baseline: RTSP -> ffmpeg decode, no HLS", r.rtspBaseline());
            }
        }
        s.append("\nMedians per player, segment duration and viewer over runs (ms); target (issue 13, hls.js low-latency"
                + " mode): median <= 1500 and p95 <= 2000\n");
        for (String key : results.stream().map(Result::key).distinct().toList()) {
            List<Result> rs = results.stream().filter(r -> r.key().equals(key)).toList();
            double bar = median(rs.stream().map(r -> percentile(r.bar(), 50)).toList());
            double pdt = median(rs.stream().map(r -> percentile(r.pdt(), 50)).toList());
            double edge = median(rs.stream().map(r -> percentile(r.edge(), 50)).toList());
            double bar95 = median(rs.stream().map(r -> percentile(r.bar(), 95)).toList());
            long stalls = rs.stream().mapToLong(Result::stalls).sum();
            String verdict = bar <= 1500 && bar95 <= 2000 ? "met" : bar <= 1500 ? "median met, p95 MISSED" : "MISSED";
            s.append(String.format(Locale.ROOT, "- %s: bar code median %.0f, p95 %.0f; PDT median %.0f; hls.latency median %.0f;"
                            + " difference bar - PDT %.0f; stalls %d -> LL target %s%s%n",
                    key, bar, bar95, pdt, edge, bar - pdt, stalls, verdict, key.startsWith("ll ") ? "" : " (not this client's target)"));
        }
        s.append("\nPlaylist at the end of the last run:\n");
        s.append(results.get(results.size() - 1).firstPlaylist().replaceAll("token=[^\\s\"]+", "token=..."));
        System.out.println(s);
    }

    private static void row(StringBuilder s, Result r, String method, List<Long> v) {
        if (v.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | 0 | - | - | - | - |%n", r.player(), r.segmentDuration(),
                    r.run(), r.viewer(), method));
            return;
        }
        List<Long> sorted = v.stream().sorted().toList();
        s.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %d | %d | %.0f | %.0f | %d |%n", r.player(), r.segmentDuration(),
                r.run(), r.viewer(), method, v.size(), sorted.get(0), percentile(v, 50), percentile(v, 95),
                sorted.get(sorted.size() - 1)));
    }

    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory; best effort
        }
    }
}
