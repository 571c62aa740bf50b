package io.lenswire.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Soak program (not a test, not in CI): a server under a steady production-like load for a long
 * time, reporting its resources every interval so that leaks show as growth. Run it with
 * {@code scripts/bench/soak.sh --minutes 30}.
 *
 * <p>Load: {@code --cameras} (10) cameras from the test RTSP server, each a looped 720p25 2 Mbit/s
 * H.264 clip ({@code file:} mounts, no encoder running); face analytics on {@code --analytics} (2)
 * of them, whose clip shows a face (Obama enrolled, so recognitions, events and their snapshots are
 * written all along); {@code --viewers} (20) HLS viewers spread over the cameras, each with its own
 * session, polling the playlist and fetching the newest segment every target duration, and
 * refreshing its token every {@code --refresh-minutes} (10) with the token it holds.
 *
 * <p>Every {@code --interval} seconds (60): RSS, heap used (Micrometer), live threads, open file
 * descriptors, viewer errors so far, the cameras' states. At the end: RSS growth from the sample
 * after {@code --baseline-minutes} (5) to the last one (target &lt; 5 %), and 0 errors.
 */
public final class SoakBench {

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = 30, cameras = 10, analytics = 2, viewers = 20, interval = 60, refreshMinutes = 10, baselineMinutes = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--cameras" -> cameras = Integer.parseInt(args[++i]);
                case "--analytics" -> analytics = Integer.parseInt(args[++i]);
                case "--viewers" -> viewers = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--refresh-minutes" -> refreshMinutes = Integer.parseInt(args[++i]);
                case "--baseline-minutes" -> baselineMinutes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("lenswire-soak-");
        Path plain = work.resolve("testsrc-720p25.mp4");
        encode(plain, "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25");
        Path face = work.resolve("face-720p25.mp4");
        Path scene = Faces.scene(work, "obama2");
        encode(face, "-loop", "1", "-framerate", "25", "-i", scene.toString());

        List<String> mounts = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            mounts.add("/cam" + c + "=file:" + (c < analytics ? face : plain));
        }
        Path config = work.resolve("soak.yaml");
        Files.writeString(config, "lenswire:\n  cameras: []\n");
        RtspServer rtsp = RtspServer.start(null, mounts.toArray(String[]::new));
        LenswireProcess app = null;
        try {
            app = LenswireProcess.start("soak", "--spring.config.additional-location=file:" + config);
            run(app, rtsp, minutes, cameras, analytics, viewers, interval, refreshMinutes, baselineMinutes);
        } finally {
            if (app != null) {
                app.close();
            }
            rtsp.close();
        }
    }

    /** 60 s of 720p25 H.264 at 2 Mbit/s, GOP 25, no B-frames (what the test server's file: mounts loop). */
    private static void encode(Path out, String... input) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(List.of(input));
        command.addAll(List.of("-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", out.toString()));
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + command);
        }
    }

    private static void run(LenswireProcess app, RtspServer rtsp, int minutes, int cameras, int analytics, int viewers, int interval,
                            int refreshMinutes, int baselineMinutes) throws Exception {
        Api api = app.api();
        Api.Response enrolled = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                Faces.Part.text("name", "Barack Obama"), Faces.Part.file(Faces.photo("obama.jpg")));
        if (enrolled.status() != 201) {
            throw new IllegalStateException("enroll: " + enrolled.status() + " " + enrolled.body());
        }
        for (int c = 0; c < cameras; c++) {
            String body = "{\"camera_id\":\"cam" + c + "\",\"rtsp_url\":\"" + rtsp.url("/cam" + c) + "\",\"enable_analytics\":"
                    + (c < analytics) + "}";
            Api.Response r = api.postJson("/api/stream/cameras/add", body);
            if (r.status() != 201) {
                throw new IllegalStateException("add cam" + c + ": " + r.status() + " " + r.body());
            }
        }
        int cameraCount = cameras;
        Wait.until("cameras STREAMING", Duration.ofSeconds(60), () -> {
            for (int c = 0; c < cameraCount; c++) {
                if (!api.state("cam" + c).equals("STREAMING")) {
                    return false;
                }
            }
            return true;
        });

        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        AtomicLong requests = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        for (int v = 0; v < viewers; v++) {
            String camera = "cam" + (v % cameras);
            int viewer = v;
            pool.execute(() -> viewer(api, http, camera, "soak-" + viewer, end, refreshMinutes, errors, requests));
        }
        pool.shutdown();

        System.out.printf(Locale.ROOT, "soak: %d cameras (analytics on %d), %d viewers, %d min, started %s%n", cameras, analytics, viewers,
                minutes, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.println("| minute | RSS MB | heap used MB | threads | FDs | viewer requests | viewer errors | cameras STREAMING | events |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<long[]> samples = new ArrayList<>();
        long start = System.nanoTime();
        while (!pool.awaitTermination(interval, TimeUnit.SECONDS)) {
            samples.add(sample(app, api, cameras, start, errors, requests));
        }
        samples.add(sample(app, api, cameras, start, errors, requests));
        long[] base = samples.stream().filter(s -> s[0] >= baselineMinutes).findFirst().orElse(samples.get(0));
        long[] last = samples.get(samples.size() - 1);
        double growth = (last[1] - base[1]) * 100.0 / base[1];
        long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf(Locale.ROOT, "%nRSS growth from minute %d to minute %d: %+.1f %% (target < 5 %%); threads %d -> %d; FDs %d -> %d;"
                        + " viewer errors %d %s -> %s%n",
                base[0], last[0], growth, base[3], last[3], base[4], last[4], errorCount, new TreeMap<>(errors),
                growth < 5 && errorCount == 0 ? "met" : "MISSED");
    }

    /** {minute, RSS kB, heap bytes, threads, FDs}, printed as a table row. */
    private static long[] sample(LenswireProcess app, Api api, int cameras, long start, Map<String, AtomicLong> errors, AtomicLong requests) {
        long minute = Math.round((System.nanoTime() - start) / 60e9);
        long heap = 0;
        String prometheus = api.get("/actuator/prometheus").body(); // with the API key
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        int streaming = 0;
        for (int c = 0; c < cameras; c++) {
            streaming += api.state("cam" + c).equals("STREAMING") ? 1 : 0;
        }
        String events = prometheus.lines().filter(l -> l.startsWith("lenswire_events_stored")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst().orElse("-");
        long[] s = {minute, app.rssKb(), heap, app.threads(), app.openFiles()};
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %d | %d | %d | %d | %d | %s |%n", s[0], s[1] / 1024.0, s[2] / 1048576.0, s[3], s[4],
                requests.get(), errors.values().stream().mapToLong(AtomicLong::get).sum(), streaming,
                events);
        return s;
    }

    /** One viewer: its own session; playlist + newest segment every 2 s; a token refresh every few minutes. */
    private static void viewer(Api api, HttpClient http, String camera, String user, long end, int refreshMinutes,
                               Map<String, AtomicLong> errors, AtomicLong requests) {
        try {
            Api.Response created = api.postJson("/api/stream/playback/create-session",
                    "{\"camera_id\":\"" + camera + "\",\"user_id\":\"" + user + "\"}");
            if (created.status() != 201) {
                errors.computeIfAbsent("create-session " + created.status(), k -> new AtomicLong()).incrementAndGet();
                return;
            }
            String session = created.json().path("session_id").asText();
            AtomicReference<String> token = new AtomicReference<>(created.json().path("token").asText());
            long nextRefresh = System.nanoTime() + TimeUnit.MINUTES.toNanos(refreshMinutes);
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextRefresh) {
                    HttpRequest refresh = HttpRequest.newBuilder(URI.create(api.base() + "/api/stream/playback/" + session + "/refresh"))
                            .header("Authorization", "Bearer " + token.get()).POST(HttpRequest.BodyPublishers.noBody()).build();
                    HttpResponse<String> r = http.send(refresh, HttpResponse.BodyHandlers.ofString());
                    requests.incrementAndGet();
                    if (r.statusCode() == 200) {
                        token.set(Api.JSON.readTree(r.body()).path("token").asText());
                    } else {
                        errors.computeIfAbsent("refresh " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                    }
                    nextRefresh += TimeUnit.MINUTES.toNanos(refreshMinutes);
                }
                String base = api.base() + "/api/stream/hls/" + session + "/";
                String query = "?token=" + token.get();
                HttpResponse<String> playlist = get(http, base + "playlist.m3u8" + query, HttpResponse.BodyHandlers.ofString(), errors, requests);
                if (playlist != null) {
                    String newest = null;
                    for (String line : playlist.body().split("\n")) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            newest = line.strip();
                        }
                    }
                    if (newest != null) {
                        get(http, base + newest, HttpResponse.BodyHandlers.discarding(), errors, requests);
                    }
                }
                Thread.sleep(2000);
            }
            api.delete("/api/stream/playback/" + session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static <T> HttpResponse<T> get(HttpClient http, String url, HttpResponse.BodyHandler<T> handler, Map<String, AtomicLong> errors,
                                           AtomicLong requests) throws InterruptedException {
        try {
            HttpResponse<T> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(), handler);
            requests.incrementAndGet();
            if (r.statusCode() == 200) {
                return r;
            }
            errors.computeIfAbsent("HTTP " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
        } catch (IOException e) {
            errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
        }
        return null;
    }
}
