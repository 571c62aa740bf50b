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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Many concurrent HLS viewers of one camera on loopback. A benchmark program, not a test: run it
 * with {@code scripts/bench/viewers.sh}.
 *
 * <p>One camera (a 720p25 ~2 Mbit/s H.264 clip with a 1 s GOP served by the test RTSP server's
 * {@code file:} mount, no encoder running) is ingested by a fresh Lenswire (demo camera disabled,
 * a known JWT secret). Every viewer has <b>its own playback session</b> (so every request verifies
 * its own token), unless {@code --sessions K} makes the viewers share K sessions round-robin.
 * Viewers run on a fixed pool with one thread each. A viewer starts at a random moment within the
 * first target duration, GETs {@code init_0.mp4} once, then loops until the end: GET the playlist
 * (with {@code ?token=}, as {@code hls_url} gives it), GET the newest segment it lists, sleep until
 * one target duration after the previous iteration began. Latency = from sending the request to
 * having read the whole body, measured by the client, which runs on the same 2 cores as the server.
 * Latencies of requests sent during the first {@code --warmup} seconds (JIT compilation, connection
 * set-up) are not kept; errors are counted from the start.
 *
 * <p><b>{@code --mode ll}</b> (Low-Latency HLS, issue 13): every viewer does what hls.js does in
 * low-latency mode, without pacing itself: GET the playlist once, then loop: read the playlist's
 * {@code EXT-X-PRELOAD-HINT} (the next part, segment M part P), GET the playlist with
 * {@code &_HLS_msn=M&_HLS_part=P} (a blocking reload: the server holds it until that part
 * exists), GET that part ({@code part_M_P.m4s}, or part 0 of segment M+1 when the segment ended
 * there), repeat. Reported: the <b>lag</b> of each blocking reload's answer behind the moment the
 * part became available, measured as the earliest answer any viewer got for that part (so the
 * first viewer's answer has lag 0, and the lag is how long the server and this client took to
 * answer the others), p50/p95/p99; request → answer of the blocking reloads (mostly waiting for
 * the part) and of the part fetches; the server's thread count ({@code /proc/<pid>/task}) sampled
 * every 500 ms before and during the run; errors by kind. Target (issue 13): lag p99 ≤ one part
 * duration + 50 ms, bounded threads, no errors.
 *
 * <p>Then, in this same process, the cost of verifying one real token from the server with
 * nimbus-jose-jwt's {@code MACVerifier} (HS256), after warm-up: the signature alone
 * ({@code SignedJWT.verify} on a parsed token), and parse + verify + reading the claims (what the
 * server does per request besides its header checks).
 *
 * <p>Options: {@code --mode segments|ll} (segments: the paced loop above; ll: blocking reloads),
 * {@code --viewers N} (500), {@code --seconds S} (60, after {@code --warmup S}, 10),
 * {@code --sessions K} (0 = one per
 * viewer), {@code --clients C} (HttpClient instances the viewers are spread over, 4),
 * {@code --client threads|nio} (ll mode: a thread per viewer over those HttpClients, the default,
 * or all viewers on one selector thread, {@link NioLowLatencyViewers}, which costs the shared
 * machine far less),
 * {@code --clip FILE} (reuse a clip instead of making one), {@code --arg A} (extra Lenswire argument,
 * repeatable).
 */
public final class ViewersBench {

    private static final String SECRET = "viewers-bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");
    private static final Pattern PART_TARGET = Pattern.compile("#EXT-X-PART-INF:PART-TARGET=([0-9.]+)");
    static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_(\\d+)_(\\d+)\\.m4s");

    private ViewersBench() {
    }

    /** Latencies (ns) and errors of one request type. */
    static final class Stats {
        /** Latencies of requests sent before this (System.nanoTime) are warm-up and not kept, unless keepWarmup. */
        static volatile long measureFrom;
        final boolean keepWarmup;
        final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());

        Stats(boolean keepWarmup) {
            this.keepWarmup = keepWarmup;
        }

        void ok(long t0, long t1, int bytes) {
            if (keepWarmup || t0 >= measureFrom) {
                nanos.add(t1 - t0);
                this.bytes.addAndGet(bytes);
            }
        }

        final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();

        void error(String why) {
            errors.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(AtomicLong::get).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        int viewers = 500;
        int seconds = 60;
        int sessionsWanted = 0;
        int clients = 4;
        String client = "threads";
        int warmup = 10;
        String mode = "segments";
        Path clip = null;
        List<String> extraArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--viewers" -> viewers = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--sessions" -> sessionsWanted = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--client" -> client = args[++i];
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--clip" -> clip = Path.of(args[++i]).toAbsolutePath();
                case "--arg" -> extraArgs.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("lenswire-viewers-bench-");
        boolean madeClip = clip == null;
        if (madeClip) {
            clip = work.resolve("clip-720p25.mp4");
            makeClip(clip, seconds + warmup + 90);
        }
        Path config = work.resolve("bench.yaml");
        Files.writeString(config, "lenswire:\n  cameras: []\n");
        List<String> appArgs = new ArrayList<>(List.of(
                "--spring.config.additional-location=file:" + config,
                "--lenswire.playback.jwt-secrets[0]=" + SECRET));
        appArgs.addAll(extraArgs);
        RtspServer rtsp = RtspServer.start(null, "/cam=file:" + clip);
        LenswireProcess app = null;
        try {
            app = LenswireProcess.start("viewers", appArgs.toArray(String[]::new));
            if (mode.equals("ll")) {
                if (!client.equals("threads") && !client.equals("nio")) {
                    throw new IllegalArgumentException("--client threads or nio, not " + client);
                }
                runLowLatency(app, rtsp, viewers, seconds, warmup, sessionsWanted, client.equals("nio") ? 0 : clients, extraArgs);
            } else if (mode.equals("segments")) {
                run(app, rtsp, viewers, seconds, warmup, sessionsWanted, clients, extraArgs);
            } else {
                throw new IllegalArgumentException("--mode segments or ll, not " + mode);
            }
        } finally {
            if (app != null) {
                app.close();
            }
            rtsp.close();
            deleteTree(work);
            if (app != null) {
                deleteTree(app.dataDir());
            }
        }
    }

    /** hls_urls (absolute) of the sessions made for the viewers, and the last token. */
    record Sessions(List<String> urls, String token) {
    }

    private static Sessions sessions(Api api, String rtspUrl, int viewers, int sessionsWanted) throws Exception {
        api.addCamera("cam", rtspUrl);
        Wait.until("camera STREAMING", Duration.ofSeconds(30), () -> api.state("cam").equals("STREAMING"));
        int sessionCount = sessionsWanted > 0 ? sessionsWanted : viewers;
        List<String> urls = new ArrayList<>(sessionCount);
        String token = null;
        for (int i = 0; i < sessionCount; i++) {
            Api.Response r = api.postJson("/api/stream/playback/create-session",
                    "{\"camera_id\":\"cam\",\"user_id\":\"viewer-" + i + "\"}");
            if (r.status() != 201) {
                throw new IllegalStateException("create-session " + i + ": " + r.status() + " " + r.body());
            }
            JsonNode s = r.json();
            urls.add(api.base() + s.path("hls_url").asText());
            token = s.path("token").asText();
        }
        return new Sessions(urls, token);
    }

    private static void run(LenswireProcess app, RtspServer rtsp, int viewers, int seconds, int warmup, int sessionsWanted,
                            int clients, List<String> extraArgs) throws Exception {
        Api api = app.api();
        Sessions made = sessions(api, rtsp.url("/cam"), viewers, sessionsWanted);
        List<String> urls = made.urls();
        String token = made.token();
        int sessionCount = urls.size();
        // start the muxer and let the playlist fill before the viewers come
        HttpClient warm = HttpClient.newHttpClient();
        HttpResponse<String> first = warm.send(HttpRequest.newBuilder(URI.create(urls.get(0))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() != 200) {
            throw new IllegalStateException("first playlist: " + first.statusCode());
        }
        // the first list-size segments are short (first-segment-duration); the viewers pace themselves by
        // the target duration of the playlist once it lists full-length segments
        Thread.sleep(16000);
        HttpResponse<String> filled = warm.send(HttpRequest.newBuilder(URI.create(urls.get(0))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = TARGET.matcher(filled.body());
        long targetMillis = m.find() ? Long.parseLong(m.group(1)) * 1000 : 2000;

        List<HttpClient> http = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            http.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
        }
        Stats playlist = new Stats(false);
        Stats segment = new Stats(false);
        Stats init = new Stats(true);
        long serverPid = app.pid();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        Stats.measureFrom = measureFrom;
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        for (int v = 0; v < viewers; v++) {
            String url = urls.get(v % urls.size());
            HttpClient client = http.get(v % http.size());
            pool.execute(() -> viewer(client, url, targetMillis, end, playlist, segment, init));
        }
        Measured measured = measure(pool, measureFrom, seconds, serverPid, () -> { });
        double wall = measured.wall();
        double serverCpu = measured.serverCpu();
        double clientCpu = measured.clientCpu();
        String prometheus = api.get("/actuator/prometheus").body();
        String status = api.get("/api/stream/cameras/status").body();

        JwtCost jwt = jwtCost(token);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%d viewers of one camera, measured for %d s after a %d s warm-up, %s, %d cores; %s; "
                        + "target duration %d ms; Lenswire args %s%n%n", viewers, seconds, warmup,
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(),
                sessionsWanted > 0 ? sessionCount + " sessions shared round-robin" : "one session per viewer",
                targetMillis, extraArgs));
        s.append("| request | count | errors | p50 ms | p90 ms | p99 ms | max ms | mean ms | MB/s |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        row(s, "playlist", playlist, wall);
        row(s, "newest segment", segment, wall);
        row(s, "init_0.mp4 (once per viewer, during the warm-up)", init, wall);
        long errors = playlist.errorCount() + segment.errorCount() + init.errorCount(); // warm-up included
        s.append(String.format(Locale.ROOT, "%nrequests/s %.0f; CPU (%% of one core): Lenswire %.0f, this client %.0f%n",
                (playlist.nanos.size() + segment.nanos.size() + init.nanos.size()) / wall, serverCpu, clientCpu));
        for (Map.Entry<String, Stats> e : Map.of("playlist", playlist, "segment", segment, "init", init).entrySet()) {
            if (!e.getValue().errors.isEmpty()) {
                s.append("errors ").append(e.getKey()).append(": ").append(new TreeMap<>(e.getValue().errors)).append('\n');
            }
        }
        double p99 = Math.max(percentile(playlist.nanos, 99), percentile(segment.nanos, 99)) / 1e6;
        s.append(String.format(Locale.ROOT, "%nTarget p99 < 50 ms and 0 errors: p99 (worse of playlist/segment) %.1f ms, %d errors -> %s%n",
                p99, errors, p99 < 50 && errors == 0 ? "met" : "MISSED"));
        s.append(String.format(Locale.ROOT, "%nJWT (HS256, nimbus-jose-jwt MACVerifier, a real token of %d chars, %d iterations after %d warm-up):%n",
                token.length(), jwt.iterations, jwt.iterations));
        s.append(String.format(Locale.ROOT, "- signature only (SignedJWT.verify): %.2f us per request%n", jwt.verifyNanos / 1000));
        s.append(String.format(Locale.ROOT, "- parse + verify + claims: %.2f us per request%n", jwt.fullNanos / 1000));
        s.append(String.format(Locale.ROOT, "- as a share of the median request latency: playlist %.2f%%, segment %.2f%% (parse + verify + claims)%n",
                jwt.fullNanos / percentile(playlist.nanos, 50) * 100, jwt.fullNanos / percentile(segment.nanos, 50) * 100));
        s.append("\nServer-side http_server_requests (Micrometer, HLS routes):\n");
        prometheus.lines().filter(l -> l.startsWith("http_server_requests_seconds") && l.contains("/api/stream/hls/")
                        && (l.contains("quantile") || l.contains("_max") || l.contains("_count") || l.contains("_sum")))
                .forEach(l -> s.append("  ").append(l).append('\n'));
        s.append("Camel route timers of the HLS routes (authorization + reading the file; the response is written after the route):\n");
        prometheus.lines().filter(l -> l.startsWith("camel_route_policy_seconds") && (l.contains("\"api-hls-playlist\"")
                        || l.contains("\"api-hls-segment\"")) && !l.contains("_bucket"))
                .forEach(l -> s.append("  ").append(l).append('\n'));
        prometheus.lines().filter(l -> l.startsWith("lenswire_branch_dropped") || l.startsWith("lenswire_hls_muxers_active"))
                .forEach(l -> s.append("  ").append(l).append('\n'));
        s.append("camera status: ").append(status).append('\n');
        System.out.println(s);
    }

    /** What the low-latency viewers saw: every blocking reload's answer by part, part fetches, errors. */
    static final class LowLatencyStats {
        /** part name -> [request sent, answer read] (System.nanoTime) of every viewer's blocking reload for it */
        final Map<String, List<long[]>> answers = new ConcurrentHashMap<>();
        final Stats plain = new Stats(false);
        final Stats reload = new Stats(false);
        final Stats part = new Stats(false);

        void answered(String partName, long t0, long t1) {
            answers.computeIfAbsent(partName, k -> Collections.synchronizedList(new ArrayList<>())).add(new long[] {t0, t1});
        }
    }

    private static void runLowLatency(LenswireProcess app, RtspServer rtsp, int viewers, int seconds, int warmup,
                                      int sessionsWanted, int clients, List<String> extraArgs) throws Exception {
        Api api = app.api();
        long serverPid = app.pid();
        Sessions made = sessions(api, rtsp.url("/cam"), viewers, sessionsWanted);
        List<String> urls = made.urls();
        HttpClient warm = HttpClient.newHttpClient();
        HttpResponse<String> first = warm.send(HttpRequest.newBuilder(URI.create(urls.get(0))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() != 200) {
            throw new IllegalStateException("first playlist: " + first.statusCode());
        }
        Thread.sleep(8000); // a full window of segments before the viewers come
        String filled = warm.send(HttpRequest.newBuilder(URI.create(urls.get(0))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher pm = PART_TARGET.matcher(filled);
        if (!pm.find() || !HINT.matcher(filled).find()) {
            throw new IllegalStateException("not a Low-Latency HLS playlist (no EXT-X-PART-INF or preload hint):\n" + filled);
        }
        double partMillis = Double.parseDouble(pm.group(1)) * 1000;
        ThreadSampler threads = new ThreadSampler(serverPid);
        threads.start();
        Thread.sleep(2000);
        int threadsBefore = threads.max();

        List<HttpClient> http = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            http.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
        }
        LowLatencyStats st = new LowLatencyStats();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        Stats.measureFrom = measureFrom;
        ExecutorService pool;
        if (clients == 0) {
            List<String> perViewer = new ArrayList<>();
            for (int v = 0; v < viewers; v++) {
                perViewer.add(urls.get(v % urls.size()));
            }
            pool = Executors.newSingleThreadExecutor();
            pool.execute(() -> new NioLowLatencyViewers(perViewer, (long) partMillis, end, st).run());
        } else {
            pool = Executors.newFixedThreadPool(viewers);
            for (int v = 0; v < viewers; v++) {
                String url = urls.get(v % urls.size());
                HttpClient client = http.get(v % http.size());
                pool.execute(() -> lowLatencyViewer(client, url, (long) partMillis, end, st));
            }
        }
        Measured measured = measure(pool, measureFrom, seconds, serverPid, threads::reset);
        double wall = measured.wall();
        double serverCpu = measured.serverCpu();
        double clientCpu = measured.clientCpu();
        int threadsMax = threads.max();
        double threadsMean = threads.mean();
        threads.stop();
        Thread.sleep(1000);
        int threadsAfter = ThreadSampler.count(serverPid);
        String prometheus = api.get("/actuator/prometheus").body();
        String status = api.get("/api/stream/cameras/status").body();

        // lag of each answer behind the earliest answer for the same part, answers sent in the window only
        List<Long> lag = new ArrayList<>();
        List<Long> firstGap = new ArrayList<>();
        int partsSeen = 0;
        for (List<long[]> answers : st.answers.values()) {
            List<long[]> all;
            synchronized (answers) {
                all = new ArrayList<>(answers);
            }
            long earliest = all.stream().mapToLong(a -> a[1]).min().orElseThrow();
            if (earliest < measureFrom || earliest > end) {
                continue;
            }
            partsSeen++;
            List<Long> sorted = all.stream().map(a -> a[1]).sorted().toList();
            if (sorted.size() > 1) {
                firstGap.add(sorted.get(1) - sorted.get(0));
            }
            for (long[] a : all) {
                if (a[0] >= measureFrom) {
                    lag.add(a[1] - earliest);
                }
            }
        }
        double lagP99 = percentile(lag, 99) / 1e6;
        long errors = st.reload.errorCount() + st.part.errorCount() + st.plain.errorCount();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "LL-HLS: %d viewers of one camera doing blocking reloads, measured for %d s after a %d s"
                        + " warm-up, %s, %d cores; client: %s; %s; part target %.0f ms; Lenswire args %s%n%n", viewers, seconds, warmup,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                clients == 0 ? "one thread, one selector, a kept-alive connection per viewer (--client nio)"
                        : "a thread per viewer over " + clients + " HttpClients (--client threads)",
                sessionsWanted > 0 ? urls.size() + " sessions shared round-robin" : "one session per viewer", partMillis, extraArgs));
        s.append("| what | count | errors | p50 ms | p90 ms | p95 ms | p99 ms | max ms | mean ms | MB/s |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        lagRow(s, "answer lag behind the part's first answer (all viewers)", lag, 0);
        lagRow(s, "gap between the first and second answer of a part", firstGap, 0);
        llRow(s, "blocking reload, request -> answer (includes waiting for the part)", st.reload, wall);
        llRow(s, "part fetch, request -> whole body", st.part, wall);
        llRow(s, "plain playlist (at start and after an error)", st.plain, wall);
        s.append(String.format(Locale.ROOT, "%nparts answered in the window: %d (%.1f/s); answers per part: %.1f; requests/s %.0f;"
                        + " CPU (%% of one core): Lenswire %.0f, this client %.0f%n", partsSeen, partsSeen / wall,
                partsSeen == 0 ? 0.0 : lag.size() / (double) partsSeen,
                (st.reload.nanos.size() + st.part.nanos.size()) / wall, serverCpu, clientCpu));
        s.append(String.format(Locale.ROOT, "server threads (/proc/%d/task): %d before the viewers, max %d / mean %.0f during the"
                        + " window, %d one second after%n", serverPid, threadsBefore, threadsMax, threadsMean, threadsAfter));
        for (Map.Entry<String, Stats> e : Map.of("blocking reload", st.reload, "part", st.part, "plain playlist", st.plain).entrySet()) {
            if (!e.getValue().errors.isEmpty()) {
                s.append("errors ").append(e.getKey()).append(": ").append(new TreeMap<>(e.getValue().errors)).append('\n');
            }
        }
        double target = partMillis + 50;
        s.append(String.format(Locale.ROOT, "%nTarget lag p99 <= %.0f ms (one part + 50 ms), bounded threads, 0 errors: p99 %.1f ms,"
                        + " threads max %d (before %d), %d errors -> %s%n", target, lagP99, threadsMax, threadsBefore, errors,
                lagP99 <= target && errors == 0 ? "met (threads: see above)" : "MISSED"));
        s.append("\nServer-side http_server_requests (Micrometer, HLS routes):\n");
        prometheus.lines().filter(l -> l.startsWith("http_server_requests_seconds") && l.contains("/api/stream/hls/")
                        && (l.contains("_max") || l.contains("_count") || l.contains("_sum")))
                .forEach(l -> s.append("  ").append(l).append('\n'));
        prometheus.lines().filter(l -> l.startsWith("lenswire_branch_dropped") || l.startsWith("lenswire_hls")
                        || l.startsWith("tomcat_threads") || l.startsWith("executor_active") || l.startsWith("executor_pool_size"))
                .forEach(l -> s.append("  ").append(l).append('\n'));
        s.append("camera status: ").append(status).append('\n');
        System.out.println(s);
    }

    /**
     * One LL-HLS viewer as hls.js in low-latency mode: blocking reload for the preload-hinted part,
     * then that part, until {@code end}. A 503 (the part did not come in time) or an I/O error
     * starts again from a plain playlist request.
     */
    private static void lowLatencyViewer(HttpClient client, String playlistUrl, long partMillis, long end, LowLatencyStats st) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, partMillis)));
            String base = playlistUrl.substring(0, playlistUrl.indexOf("playlist.m3u8"));
            String query = playlistUrl.substring(playlistUrl.indexOf('?'));
            String body = null;
            while (System.nanoTime() < end) {
                if (body == null) {
                    body = fetch(client, playlistUrl, st.plain);
                    if (body == null) {
                        Thread.sleep(partMillis);
                        continue;
                    }
                }
                Matcher hint = HINT.matcher(body);
                if (!hint.find()) {
                    st.reload.error("no preload hint in playlist");
                    body = null;
                    continue;
                }
                long msn = Long.parseLong(hint.group(1));
                int part = Integer.parseInt(hint.group(2));
                long t0 = System.nanoTime();
                String answer = fetch(client, playlistUrl + "&_HLS_msn=" + msn + "&_HLS_part=" + part, st.reload);
                long t1 = System.nanoTime();
                if (answer == null) {
                    body = null;
                    continue;
                }
                String name = answeredPart(answer, msn, part);
                if (name == null) {
                    st.reload.error(NO_ANSWERED_PART);
                    body = answer;
                    continue;
                }
                st.answered(name, t0, t1);
                fetch(client, base + name + query, st.part);
                body = answer;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final String NO_ANSWERED_PART = "answer lists neither the hinted part nor the next segment's first";

    /**
     * The part a blocking reload for part {@code part} of segment {@code msn} was answered for:
     * that part, or part 0 of the next segment when the segment ended before it; null when the
     * answer lists neither.
     */
    static String answeredPart(String answer, long msn, int part) {
        String name = String.format(Locale.ROOT, "part_%06d_%d.m4s", msn, part);
        if (answer.contains(name)) {
            return name;
        }
        name = String.format(Locale.ROOT, "part_%06d_%d.m4s", msn + 1, 0);
        return answer.contains(name) ? name : null;
    }

    /** The server's thread count (entries of /proc/PID/task), sampled every 500 ms on a daemon thread. */
    static final class ThreadSampler {
        private final long pid;
        private final List<Integer> samples = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        ThreadSampler(long pid) {
            this.pid = pid;
            this.thread = new Thread(this::loop, "thread-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    samples.add(count(pid));
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static int count(long pid) {
            String[] tasks = new java.io.File("/proc/" + pid + "/task").list();
            return tasks == null ? -1 : tasks.length;
        }

        void reset() {
            samples.clear();
        }

        int max() {
            synchronized (samples) {
                return samples.stream().mapToInt(Integer::intValue).max().orElse(-1);
            }
        }

        double mean() {
            synchronized (samples) {
                return samples.stream().mapToInt(Integer::intValue).average().orElse(-1);
            }
        }

        void stop() {
            thread.interrupt();
        }
    }

    private static void lagRow(StringBuilder s, String name, List<Long> v, long errors) {
        if (v.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| %s | 0 | %d | - | - | - | - | - | - | - |%n", name, errors));
            return;
        }
        double mean = v.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        s.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | - |%n", name, v.size(), errors,
                percentile(v, 50) / 1e6, percentile(v, 90) / 1e6, percentile(v, 95) / 1e6, percentile(v, 99) / 1e6,
                percentile(v, 100) / 1e6, mean));
    }

    private static void llRow(StringBuilder s, String name, Stats st, double wall) {
        List<Long> v;
        synchronized (st.nanos) {
            v = new ArrayList<>(st.nanos);
        }
        if (v.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| %s | 0 | %d | - | - | - | - | - | - | - |%n", name, st.errorCount()));
            return;
        }
        double mean = v.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        s.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, v.size(),
                st.errorCount(), percentile(v, 50) / 1e6, percentile(v, 90) / 1e6, percentile(v, 95) / 1e6, percentile(v, 99) / 1e6,
                percentile(v, 100) / 1e6, mean, st.bytes.get() / wall / 1e6));
    }

    private static void viewer(HttpClient client, String playlistUrl, long targetMillis, long end, Stats playlist,
                               Stats segment, Stats init) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(targetMillis));
            String base = playlistUrl.substring(0, playlistUrl.indexOf("playlist.m3u8"));
            String query = playlistUrl.substring(playlistUrl.indexOf('?'));
            fetch(client, base + "init_0.mp4" + query, init);
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                String body = fetch(client, playlistUrl, playlist);
                if (body != null) {
                    String newest = null;
                    for (String line : body.split("\n")) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            newest = line.strip();
                        }
                    }
                    if (newest == null) {
                        playlist.error("no segment in playlist");
                    } else {
                        fetch(client, base + newest, segment);
                    }
                }
                next += TimeUnit.MILLISECONDS.toNanos(targetMillis);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** GETs the URL, records its latency or error; the body as text for playlists, else null. */
    private static String fetch(HttpClient client, String url, Stats stats) throws InterruptedException {
        boolean text = url.contains(".m3u8");
        long t0 = System.nanoTime();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long t1 = System.nanoTime();
            if (r.statusCode() != 200) {
                stats.error("HTTP " + r.statusCode());
                return null;
            }
            stats.ok(t0, t1, r.body().length);
            return text ? new String(r.body(), java.nio.charset.StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            stats.error(e.getClass().getSimpleName());
            return null;
        }
    }

    record JwtCost(int iterations, double verifyNanos, double fullNanos) {
    }

    static JwtCost jwtCost(String token) throws Exception {
        JWSVerifier verifier = new MACVerifier(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        SignedJWT parsed = SignedJWT.parse(token);
        if (!parsed.verify(verifier)) {
            throw new IllegalStateException("the server's token does not verify with the bench secret");
        }
        int n = 200_000;
        long sink = 0;
        for (int i = 0; i < n; i++) { // warm-up
            sink += parsed.verify(verifier) ? 1 : 0;
            sink += full(token, verifier);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += parsed.verify(verifier) ? 1 : 0;
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += full(token, verifier);
        }
        long t2 = System.nanoTime();
        if (sink == 42) {
            System.out.println(); // keeps the loops from being optimised away
        }
        return new JwtCost(n, (t1 - t0) / (double) n, (t2 - t1) / (double) n);
    }

    private static int full(String token, JWSVerifier verifier) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.verify(verifier)) {
            return 0;
        }
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        return c.getSubject().length() + c.getStringClaim("sid").length() + c.getStringClaim("cam").length()
                + (c.getExpirationTime().getTime() > 0 ? 1 : 0);
    }

    private static void row(StringBuilder s, String name, Stats st, double wall) {
        List<Long> v = st.nanos;
        if (v.isEmpty()) {
            s.append(String.format(Locale.ROOT, "| %s | 0 | %d | - | - | - | - | - | - |%n", name, st.errorCount()));
            return;
        }
        double mean = v.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        s.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, v.size(),
                st.errorCount(), percentile(v, 50) / 1e6, percentile(v, 90) / 1e6, percentile(v, 99) / 1e6,
                percentile(v, 100) / 1e6, mean, st.bytes.get() / wall / 1e6));
    }

    static double percentile(List<Long> values, double p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = values.stream().sorted().toList();
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
    /** Wall seconds of the measured part and the CPU (% of one core) Lenswire and this client used in it. */
    private record Measured(double wall, double serverCpu, double clientCpu) {
    }

    /**
     * Lets the viewers already in {@code pool} run to their end and measures from {@code measureFrom}
     * (after the warm-up) on; {@code atMeasureStart} runs just before the first CPU sample.
     */
    private static Measured measure(ExecutorService pool, long measureFrom, int seconds, long serverPid,
                                    Runnable atMeasureStart) throws InterruptedException {
        pool.shutdown();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, measureFrom - System.nanoTime()));
        atMeasureStart.run();
        long serverCpu0 = cpuTicks(serverPid);
        long clientCpu0 = cpuTicks(ProcessHandle.current().pid());
        long wall0 = System.nanoTime();
        if (!pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("viewers did not finish");
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        return new Measured(wall, (cpuTicks(serverPid) - serverCpu0) / 100.0 / wall * 100,
                (cpuTicks(ProcessHandle.current().pid()) - clientCpu0) / 100.0 / wall * 100);
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void makeClip(Path clip, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=1280x720:rate=25", "-t", Integer.toString(seconds), "-c:v", "libx264",
                "-preset", "veryfast", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M", "-g", "25", "-keyint_min", "25",
                "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", clip.toString())
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg could not make the clip");
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temporary files; best effort
        }
    }
}
