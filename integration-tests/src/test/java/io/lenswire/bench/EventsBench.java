package io.lenswire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Events and webhooks: latency from a face appearing in a camera to its webhook, and a burst of
 * 1,000 events to three endpoints. A benchmark program, not a test: run it with
 * {@code scripts/bench/events.sh}.
 *
 * <p><b>Latency.</b> The test RTSP server's {@code jpegdir:} camera loops obama.jpg for
 * {@code --face-seconds} (1) and a test pattern for {@code --gap-seconds} (2), as 25 fps H.264;
 * obama.jpg is enrolled (the built-in recognizer names only faces close to the photos enrolled).
 * Lenswire runs with {@code recognized-cooldown=500ms}, so every appearance is a new visit and one
 * {@code face.recognized}, and with the analytics events logger at DEBUG, so every analysed frame
 * with faces is logged with its {@code timestamp} (the time its packet was received). One real HTTP
 * receiver in this program is the only webhook endpoint; it notes the wall clock when a request
 * arrives and verifies the signature with the Standard Webhooks reference library. Per event:
 * <ul>
 *   <li>"first detected": the first logged frame of the visit (frames with a face less than
 *       {@value #VISIT_GAP_MILLIS} ms apart are one visit; the pattern part has none);</li>
 *   <li>"captured": the event's {@code captured_at}, the frame on which the visit was named;</li>
 *   <li>"stored": the event's {@code timestamp}, taken in the storing transaction;</li>
 *   <li>"received": this program's clock (same machine, same clock as the server's).</li>
 * </ul>
 * The first {@code --warmup-events} (5) are not counted, then {@code --events} (50) are.
 *
 * <p><b>Burst.</b> Then the camera is removed, the latency endpoint deleted, and three endpoints
 * created: two receivers answering 200 and one answering 500 (retry schedule {@code 1s,2s}, so its
 * deliveries fail after three attempts). {@code --burst} (1000) {@code face.recognized} events, each
 * with the face and frame snapshots of a real event of the latency part, are stored through the
 * product's own {@code direct:store-event} route by a benchmark-only route file (loaded with
 * {@code camel.main.routes-include-pattern}, as users load theirs): a file dropped in a directory
 * becomes the events in a loop. Every 250 ms the program samples the outbox depth and heap from
 * {@code /actuator/prometheus}, the server's CPU from {@code /proc/<pid>/stat} and what each
 * receiver got, until the healthy receivers have every event and the outbox is empty.
 *
 * <p>{@code --runs R} (1) repeats everything with a fresh server and RTSP server and prints the
 * medians. {@code --arg A} adds a Lenswire argument (repeatable); {@code --skip-burst} and
 * {@code --skip-latency} run one part.
 */
public final class EventsBench {

    static final long VISIT_GAP_MILLIS = 500;
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern DEPTH = Pattern.compile("^lenswire_webhook_outbox_depth(?:\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern DELIVERIES =
            Pattern.compile("^lenswire_webhook_deliveries_total\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);

    private EventsBench() {
    }

    /** One request a receiver got. */
    record Received(Instant at, String webhookId, String body, boolean verified) {
    }

    /** A real HTTP receiver on loopback answering every POST with one status. */
    static final class Receiver implements AutoCloseable {
        final String name;
        final HttpServer server;
        final ExecutorService pool;
        final List<Received> got = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> byId = new ConcurrentHashMap<>();
        final AtomicLong lastDistinctAt = new AtomicLong();
        volatile Webhook verifier;

        Receiver(String name, int status) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            pool = Executors.newFixedThreadPool(4);
            server.setExecutor(pool);
            server.createContext("/", exchange -> {
                Instant at = Instant.now();
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String payload = new String(body, StandardCharsets.UTF_8);
                boolean verified = false;
                Webhook v = verifier;
                if (v != null) {
                    Map<String, List<String>> headers = new HashMap<>();
                    exchange.getRequestHeaders().forEach((k, vals) -> headers.put(k.toLowerCase(Locale.ROOT), vals));
                    try {
                        v.verify(payload, HttpHeaders.of(headers, (a, b) -> true));
                        verified = true;
                    } catch (Exception e) {
                        verified = false;
                    }
                }
                got.add(new Received(at, id, payload, verified));
                if (id != null && byId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    lastDistinctAt.set(at.toEpochMilli());
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /** What one run measured, by name. */
    record RunResult(Map<String, Double> values) {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> o.events = Integer.parseInt(args[++i]);
                case "--warmup-events" -> o.warmupEvents = Integer.parseInt(args[++i]);
                case "--face-seconds" -> o.faceSeconds = Integer.parseInt(args[++i]);
                case "--gap-seconds" -> o.gapSeconds = Integer.parseInt(args[++i]);
                case "--burst" -> o.burst = Integer.parseInt(args[++i]);
                case "--runs" -> o.runs = Integer.parseInt(args[++i]);
                case "--skip-burst" -> o.skipBurst = true;
                case "--skip-latency" -> o.skipLatency = true;
                case "--arg" -> o.extraArgs.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "EventsBench %s: %d cores (%s), Java %s, load average %s; options %s%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("java.version"), loadAverage(), o);
        List<RunResult> results = new ArrayList<>();
        for (int run = 1; run <= o.runs; run++) {
            System.out.printf("== run %d of %d%n", run, o.runs);
            RunResult r = run(o, run);
            results.add(r);
        }
        if (results.size() > 1) {
            System.out.println(summary(results));
        }
    }

    static final class Options {
        int events = 50;
        int warmupEvents = 5;
        int faceSeconds = 1;
        int gapSeconds = 2;
        int burst = 1000;
        int runs = 1;
        boolean skipBurst;
        boolean skipLatency;
        final List<String> extraArgs = new ArrayList<>();

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "events %d after %d warm-up, %d s face / %d s pattern, burst %d, runs %d%s%s, args %s",
                    events, warmupEvents, faceSeconds, gapSeconds, burst, runs, skipLatency ? ", no latency part" : "",
                    skipBurst ? ", no burst" : "", extraArgs);
        }
    }

    private static RunResult run(Options o, int runNumber) throws Exception {
        Path work = Files.createTempDirectory("lenswire-events-bench-");
        List<String> scenes = new ArrayList<>();
        for (int i = 0; i < o.faceSeconds; i++) {
            scenes.add("obama");
        }
        for (int i = 0; i < o.gapSeconds; i++) {
            scenes.add("pattern");
        }
        Path loop = Faces.loopDir(work, "loop", scenes.toArray(String[]::new));
        Path routes = Files.createDirectories(work.resolve("routes"));
        Path trigger = Files.createDirectories(work.resolve("burst-trigger"));
        Files.writeString(routes.resolve("bench-burst.yaml"), burstRoute(trigger, o.burst));
        Path config = work.resolve("bench.yaml");
        Files.writeString(config, "lenswire:\n  cameras: []\n");
        List<String> appArgs = new ArrayList<>(List.of(
                "--spring.config.additional-location=file:" + config,
                "--lenswire.analytics.models-dir=" + Faces.models(),
                "--logging.level.io.lenswire.analytics.events=DEBUG",
                "--lenswire.events.recognized-cooldown=500ms",
                "--lenswire.webhooks.retry-schedule=1s,2s",
                "--camel.main.routes-include-pattern=classpath:routes/*.yaml,file:" + routes + "/*.yaml"));
        appArgs.addAll(o.extraArgs);
        Map<String, Double> values = new LinkedHashMap<>();
        StringBuilder report = new StringBuilder();
        RtspServer rtsp = RtspServer.start(null, "/faces=jpegdir:" + loop);
        LenswireProcess app = null;
        try {
            app = LenswireProcess.start("events-bench", appArgs.toArray(String[]::new));
            Api api = app.api();
            Api.Response enrolled = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                    Faces.Part.text("name", "Barack Obama"), Faces.Part.file(Faces.photo("obama.jpg")));
            check(enrolled, 201, "enroll");
            long personId = enrolled.json().path("person").path("id").asLong();
            String sampleEventId = null;
            if (!o.skipLatency) {
                sampleEventId = latency(o, app, rtsp, values, report);
                System.out.print(report);
                report.setLength(0);
            }
            if (!o.skipBurst) {
                burst(o, app, personId, sampleEventId, trigger, values, report);
                System.out.print(report);
                report.setLength(0);
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
        values.put("run", (double) runNumber);
        return new RunResult(values);
    }

    /** The benchmark-only route: a file in {@code trigger} is a NewEvent as JSON, stored {@code count} times. */
    static String burstRoute(Path trigger, int count) {
        return """
                # Benchmark only (io.lenswire.bench.EventsBench): a file dropped in the trigger directory holds
                # one io.lenswire.events.NewEvent as JSON; it is stored COUNT times through the product's own
                # direct:store-event route (event, snapshots and outbox rows in one transaction, then
                # seda:events and the webhook dispatcher), one after another on this route's thread.
                - route:
                    id: bench-burst
                    from:
                      uri: "file:TRIGGER"
                      parameters:
                        delete: true
                        moveFailed: .failed
                        delay: 100
                      steps:
                        - loop:
                            constant: "COUNT"
                            copy: true
                            steps:
                              - unmarshal:
                                  json:
                                    library: Jackson
                                    unmarshalType: io.lenswire.events.NewEvent
                                    # Camel's own ObjectMapper here, without java.time support
                                    moduleClassNames: com.fasterxml.jackson.datatype.jsr310.JavaTimeModule
                              - to: "direct:store-event"
                """.replace("TRIGGER", trigger.toString()).replace("COUNT", Integer.toString(count));
    }

    // ---------------------------------------------------------------- latency

    private static String latency(Options o, LenswireProcess app, RtspServer rtsp, Map<String, Double> values, StringBuilder out)
            throws Exception {
        Api api = app.api();
        int wanted = o.warmupEvents + o.events;
        try (Receiver receiver = new Receiver("latency", 200)) {
            Api.Response hook = api.postJson("/api/webhooks", Api.JSON.createObjectNode().put("url", receiver.url())
                    .put("description", "EventsBench latency").set("events", Api.JSON.createArrayNode().add("face.recognized"))
                    .toString());
            check(hook, 201, "create webhook");
            String hookId = hook.json().path("webhook").path("id").asText();
            receiver.verifier = new Webhook(hook.json().path("secret").asText());
            int logStart = app.log().length();
            String load0 = loadAverage();
            String prom0 = prometheus(api);
            ObjectNode camera = Api.JSON.createObjectNode().put("camera_id", "faces").put("rtsp_url", rtsp.url("/faces"))
                    .put("enable_analytics", true);
            check(api.postJson("/api/stream/cameras/add", camera.toString()), 201, "add camera");
            long cycle = (o.faceSeconds + o.gapSeconds) * 1000L;
            Wait.until(wanted + " webhooks", Duration.ofMillis(90_000 + cycle * wanted * 2),
                    () -> alive(app) && receiver.got.size() >= wanted);
            String load1 = loadAverage();
            JsonNode stats = api.get("/api/stream/analytics/stats?camera_id=faces").json().path("stats");
            check(api.delete("/api/stream/cameras/faces"), 200, "remove camera");
            Wait.sleep(1500); // deliveries of a visit that was being named as the camera went
            int retried = 0;
            int notDelivered = 0;
            for (JsonNode d : api.get("/api/webhooks/" + hookId + "/deliveries?limit=500").json().path("deliveries")) {
                retried += d.path("attempt_count").asInt() > 1 ? 1 : 0;
                notDelivered += "delivered".equals(d.path("status").asText()) ? 0 : 1;
            }
            check(api.delete("/api/webhooks/" + hookId), 200, "delete webhook");

            List<Instant> frames = new ArrayList<>();
            for (JsonNode e : Faces.events(app.log(), logStart)) {
                frames.add(Instant.parse(e.path("timestamp").asText()));
            }
            frames.sort(null);
            // visits seen in the log (the first appearance may start before the camera's first key frame)
            List<Instant> visitStarts = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                if (i == 0 || millis(frames.get(i - 1), frames.get(i)) >= VISIT_GAP_MILLIS) {
                    visitStarts.add(frames.get(i));
                }
            }
            List<Received> got = new ArrayList<>(receiver.got);
            got.sort((a, b) -> a.at().compareTo(b.at()));
            List<Double> total = new ArrayList<>();
            List<Double> analytics = new ArrayList<>();
            List<Double> delivery = new ArrayList<>();
            List<Double> capturedToReceived = new ArrayList<>();
            List<Double> vote = new ArrayList<>();
            List<Double> toStore = new ArrayList<>();
            Map<Instant, Integer> eventsPerVisit = new HashMap<>();
            int unverified = 0;
            int notFound = 0;
            for (int i = 0; i < got.size(); i++) {
                Received r = got.get(i);
                JsonNode body = Api.JSON.readTree(r.body());
                if (!r.verified()) {
                    unverified++;
                }
                Instant captured = Instant.parse(body.path("data").path("captured_at").asText());
                Instant stored = Instant.parse(body.path("timestamp").asText());
                Instant first = visitStart(frames, captured);
                if (first == null) {
                    notFound++;
                    continue;
                }
                eventsPerVisit.merge(first, 1, Integer::sum);
                if (i < o.warmupEvents || i >= wanted) {
                    continue;
                }
                total.add(millis(first, r.at()));
                analytics.add(millis(first, stored));
                delivery.add(millis(stored, r.at()));
                capturedToReceived.add(millis(captured, r.at()));
                vote.add(millis(first, captured));
                toStore.add(millis(captured, stored));
            }
            // visits between the first and the last event counted that gave no event, and visits with more than one
            Instant from = got.isEmpty() ? Instant.MAX : visitStart(frames, Instant.parse(Api.JSON.readTree(got.get(0).body())
                    .path("data").path("captured_at").asText()));
            Instant to = got.isEmpty() ? Instant.MIN : visitStart(frames, Instant.parse(Api.JSON.readTree(got.get(got.size() - 1).body())
                    .path("data").path("captured_at").asText()));
            long visitsInRange = visitStarts.stream().filter(v -> from != null && to != null && !v.isBefore(from) && !v.isAfter(to)).count();
            long missed = visitStarts.stream().filter(v -> from != null && to != null && !v.isBefore(from) && !v.isAfter(to)
                    && !eventsPerVisit.containsKey(v)).count();
            long doubled = eventsPerVisit.values().stream().filter(n -> n > 1).count();
            String prom1 = prometheus(api);

            out.append(String.format(Locale.ROOT, "Latency: %d face.recognized webhooks counted after %d warm-up (%d received); load average "
                            + "before %s, after %s%n", total.size(), o.warmupEvents, got.size(), load0, load1));
            out.append("| interval | p50 ms | p95 ms | max ms | mean ms |\n|---|---:|---:|---:|---:|\n");
            row(out, "face first detected -> webhook received (total)", total);
            row(out, "  (a) analytics: first detected -> event stored", analytics);
            row(out, "      of which first detected -> captured_at (the frame that named the visit)", vote);
            row(out, "      of which captured_at -> event stored (seda:face-events, alert, store)", toStore);
            row(out, "  (b) delivery: event stored -> webhook received", delivery);
            row(out, "captured_at -> webhook received", capturedToReceived);
            out.append(String.format(Locale.ROOT, "visits in the log between the first and the last event: %d, without an event: %d, "
                            + "with more than one: %d; events not matched to a logged visit: %d; signatures not verified: %d; "
                            + "deliveries retried: %d, not delivered: %d; analysed frames with faces logged: %d%n", visitsInRange, missed, doubled,
                    notFound, unverified, retried, notDelivered, frames.size()));
            out.append(String.format(Locale.ROOT, "analytics: %d frames analysed, %d dropped, %.1f ms mean / %.1f ms p95 per analysed frame "
                            + "(server stats)%n", stats.path("frames_processed").asLong(), stats.path("frames_dropped").asLong(),
                    stats.path("avg_processing_time").asDouble() * 1000, stats.path("p95_processing_time").asDouble() * 1000));
            routeTimers(out, prom0, prom1, "events-faces", "events-store");
            out.append(String.format(Locale.ROOT, "Target p95 <= 500 ms (first detected -> received): p95 %.0f ms -> %s%n%n",
                    percentile(total, 95), percentile(total, 95) <= 500 ? "met" : "MISSED"));
            values.put("latency.total.p50", percentile(total, 50));
            values.put("latency.total.p95", percentile(total, 95));
            values.put("latency.analytics.p50", percentile(analytics, 50));
            values.put("latency.analytics.p95", percentile(analytics, 95));
            values.put("latency.vote.p50", percentile(vote, 50));
            values.put("latency.vote.p95", percentile(vote, 95));
            values.put("latency.store.p50", percentile(toStore, 50));
            values.put("latency.store.p95", percentile(toStore, 95));
            values.put("latency.delivery.p50", percentile(delivery, 50));
            values.put("latency.delivery.p95", percentile(delivery, 95));
            values.put("latency.captured.p50", percentile(capturedToReceived, 50));
            values.put("latency.captured.p95", percentile(capturedToReceived, 95));
            values.put("latency.missed", (double) missed);
            values.put("latency.doubled", (double) doubled);
            values.put("latency.unverified", (double) unverified);
            values.put("latency.load1", firstLoad(load1));
            return got.isEmpty() ? null : Api.JSON.readTree(got.get(got.size() - 1).body()).path("data").path("event_id").asText();
        }
    }

    /** The first logged frame of the visit that the frame at {@code captured} belongs to. */
    static Instant visitStart(List<Instant> frames, Instant captured) {
        int i = frames.indexOf(captured);
        if (i < 0) {
            return null;
        }
        while (i > 0 && millis(frames.get(i - 1), frames.get(i)) < VISIT_GAP_MILLIS) {
            i--;
        }
        return frames.get(i);
    }

    // ---------------------------------------------------------------- burst

    /** One 250 ms sample during the burst. */
    record Sample(long atMillis, double depth, double heapBytes, long cpuTicks, int healthyA, int healthyB, int failing) {
    }

    private static void burst(Options o, LenswireProcess app, long personId, String sampleEventId, Path trigger,
                              Map<String, Double> values, StringBuilder out) throws Exception {
        Api api = app.api();
        HttpClient http = HttpClient.newHttpClient();
        byte[] face = null;
        byte[] frame = null;
        if (sampleEventId != null) {
            face = bytes(http, api, "/api/events/" + sampleEventId + "/snapshot.jpg?kind=face");
            frame = bytes(http, api, "/api/events/" + sampleEventId + "/snapshot.jpg?kind=frame");
        }
        try (Receiver a = new Receiver("healthy-a", 200); Receiver b = new Receiver("healthy-b", 200);
             Receiver f = new Receiver("failing", 500)) {
            Map<String, Receiver> byHook = new LinkedHashMap<>();
            for (Receiver r : List.of(a, b, f)) {
                Api.Response hook = api.postJson("/api/webhooks", Api.JSON.createObjectNode().put("url", r.url())
                        .put("description", "EventsBench burst " + r.name)
                        .set("events", Api.JSON.createArrayNode().add("face.recognized")).toString());
                check(hook, 201, "create webhook " + r.name);
                r.verifier = new Webhook(hook.json().path("secret").asText());
                byHook.put(hook.json().path("webhook").path("id").asText(), r);
            }
            ObjectNode event = Api.JSON.createObjectNode();
            event.put("type", "FACE_RECOGNIZED").put("cameraId", "burst").put("personId", personId)
                    .put("occurredAt", Instant.now().toString());
            ObjectNode data = event.putObject("data");
            data.put("camera_id", "burst").put("camera_name", "Burst").put("person_id", personId).put("name", "Barack Obama")
                    .put("similarity", 0.95);
            ArrayNode bbox = data.putArray("bbox");
            bbox.add(250).add(170).add(260).add(330);
            data.put("captured_at", Instant.now().toString());
            event.put("faceJpeg", face == null ? null : Base64.getEncoder().encodeToString(face));
            event.put("frameJpeg", frame == null ? null : Base64.getEncoder().encodeToString(frame));
            event.putNull("onlyEndpoint");

            long pid = app.pid();
            List<Sample> samples = new CopyOnWriteArrayList<>();
            Sampler sampler = new Sampler(api, pid, a, b, f, samples);
            Thread sampling = new Thread(sampler, "burst-sampler");
            sampling.setDaemon(true);
            sampling.start();
            Wait.sleep(1000); // a second of samples before
            String load0 = loadAverage();
            String prom0 = prometheus(api);
            Map<String, Long> threads0 = threadTicks(pid);
            Path tmp = trigger.resolve(".burst.json.tmp");
            Files.writeString(tmp, event.toString());
            long triggeredAt = System.currentTimeMillis();
            Files.move(tmp, trigger.resolve("burst.json"), StandardCopyOption.ATOMIC_MOVE);
            int n = o.burst;
            Duration healthyTook = Wait.until("both healthy receivers to have " + n + " events", Duration.ofSeconds(600),
                    () -> {
                        alive(app);
                        if (Files.exists(trigger.resolve(".failed"))) {
                            throw new AssertionError("the burst route failed; see target/lenswire-events-bench-*.log");
                        }
                        return a.byId.size() >= n && b.byId.size() >= n;
                    });
            long healthyDoneAt = Math.max(a.lastDistinctAt.get(), b.lastDistinctAt.get());
            Wait.until("the outbox to be empty", Duration.ofSeconds(600), () -> {
                alive(app);
                List<Sample> s = samples;
                return !s.isEmpty() && s.get(s.size() - 1).depth() == 0 && s.get(s.size() - 1).atMillis() > healthyDoneAt;
            });
            long emptyAt = samples.get(samples.size() - 1).atMillis();
            Map<String, Long> threads1 = threadTicks(pid);
            Wait.sleep(1000); // a second of samples after
            sampler.stop = true;
            sampling.join();
            String load1 = loadAverage();
            String prometheus = prometheus(api);

            // stored times of the burst events, from the bodies the healthy receivers got
            List<Long> stored = new ArrayList<>();
            int unverified = 0;
            for (Received r : a.got) {
                stored.add(Instant.parse(Api.JSON.readTree(r.body()).path("timestamp").asText()).toEpochMilli());
            }
            for (Receiver r : List.of(a, b, f)) {
                unverified += (int) r.got.stream().filter(x -> !x.verified()).count();
            }
            stored.sort(null);
            long firstStored = stored.get(0);
            long lastStored = stored.get(stored.size() - 1);
            long lostA = n - a.byId.size();
            long lostB = n - b.byId.size();
            long dupA = a.got.size() - a.byId.size();
            long dupB = b.got.size() - b.byId.size();
            Map<Integer, Long> failingAttempts = new java.util.TreeMap<>();
            f.byId.values().forEach(c -> failingAttempts.merge(c.get(), 1L, Long::sum));
            List<Double> deliveryA = new ArrayList<>();
            for (Received r : a.got) {
                deliveryA.add((double) (r.at().toEpochMilli() - Instant.parse(Api.JSON.readTree(r.body()).path("timestamp").asText())
                        .toEpochMilli()));
            }
            List<Sample> during = samples.stream().filter(s -> s.atMillis() >= firstStored && s.atMillis() <= emptyAt + 250).toList();
            List<Sample> toHealthy = samples.stream().filter(s -> s.atMillis() >= firstStored && s.atMillis() <= healthyDoneAt + 250).toList();
            double cpuBurst = cpuPercent(during);
            double cpuHealthy = cpuPercent(toHealthy);
            double peakCpu = 0;
            for (int i = 1; i < samples.size(); i++) {
                Sample p = samples.get(i - 1);
                Sample s = samples.get(i);
                if (s.atMillis() >= firstStored && p.atMillis() <= emptyAt) {
                    peakCpu = Math.max(peakCpu, (s.cpuTicks() - p.cpuTicks()) / 100.0 / ((s.atMillis() - p.atMillis()) / 1000.0) * 100);
                }
            }
            double heapBefore = samples.get(0).heapBytes();
            double heapMax = during.stream().mapToDouble(Sample::heapBytes).max().orElse(Double.NaN);
            double heapMean = during.stream().mapToDouble(Sample::heapBytes).average().orElse(Double.NaN);
            double heapAfter = samples.get(samples.size() - 1).heapBytes();
            double depthMax = samples.stream().mapToDouble(Sample::depth).max().orElse(Double.NaN);

            out.append(String.format(Locale.ROOT, "Burst: %d face.recognized events (face %d B + frame %d B snapshots each) to 3 endpoints "
                            + "(2 answer 200, 1 answers 500; retry schedule 1s,2s); load average before %s, after %s%n", n,
                    face == null ? 0 : face.length, frame == null ? 0 : frame.length, load0, load1));
            out.append(String.format(Locale.ROOT, "- trigger file -> first event stored: %d ms; first -> last event stored: %d ms (%.0f events/s)%n",
                    firstStored - triggeredAt, lastStored - firstStored, (n - 1) * 1000.0 / Math.max(1, lastStored - firstStored)));
            out.append(String.format(Locale.ROOT, "- first event stored -> every healthy delivery received: %d ms (%.0f deliveries/s to the two; "
                            + "waited %d ms from the trigger)%n", healthyDoneAt - firstStored, 2.0 * n * 1000 / Math.max(1, healthyDoneAt - firstStored),
                    healthyTook.toMillis()));
            out.append(String.format(Locale.ROOT, "- first event stored -> outbox empty (the failing endpoint's deliveries failed): %d ms "
                    + "(250 ms samples)%n", emptyAt - firstStored));
            out.append(String.format(Locale.ROOT, "- lost: healthy-a %d, healthy-b %d (distinct webhook-ids %d / %d of %d); duplicates %d / %d; "
                            + "signatures not verified %d%n", lostA, lostB, a.byId.size(), b.byId.size(), n, dupA, dupB, unverified));
            out.append(String.format(Locale.ROOT, "- failing endpoint: %d distinct events, attempts per event %s%n", f.byId.size(), failingAttempts));
            out.append(String.format(Locale.ROOT, "- event stored -> received at healthy-a: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                    percentile(deliveryA, 50), percentile(deliveryA, 95), percentile(deliveryA, 100)));
            out.append(String.format(Locale.ROOT, "- server CPU (%% of one core): %.0f from first stored to outbox empty, %.0f to healthy done, "
                    + "peak 250 ms sample %.0f%n", cpuBurst, cpuHealthy, peakCpu));
            out.append(String.format(Locale.ROOT, "- heap used (MB): before %.0f, during mean %.0f / max %.0f, after %.0f (-Xmx768m)%n",
                    heapBefore / 1048576, heapMean / 1048576, heapMax / 1048576, heapAfter / 1048576));
            out.append(String.format(Locale.ROOT, "- outbox depth max %.0f; every 250 ms from 1 s before the trigger "
                    + "(t ms from first stored: depth, received a/b/failing, heap MB, CPU %% since previous):%n", depthMax));
            Sample prev = null;
            for (Sample s : samples) {
                double cpu = prev == null ? 0 : (s.cpuTicks() - prev.cpuTicks()) / 100.0 / ((s.atMillis() - prev.atMillis()) / 1000.0) * 100;
                out.append(String.format(Locale.ROOT, "  %6d: %5.0f  %4d/%4d/%4d  %4.0f  %3.0f%n", s.atMillis() - firstStored, s.depth(),
                        s.healthyA(), s.healthyB(), s.failing(), s.heapBytes() / 1048576, cpu));
                prev = s;
            }
            routeTimers(out, prom0, prometheus, "bench-burst", "events-store");
            long totalTicks = 0;
            Map<String, Long> byGroup = new java.util.TreeMap<>();
            for (Map.Entry<String, Long> e : threads1.entrySet()) {
                long d = e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
                totalTicks += d;
                byGroup.merge(e.getKey().substring(e.getKey().indexOf(' ') + 1), d, Long::sum);
            }
            double window = (emptyAt - triggeredAt) / 1000.0;
            int attempts = a.got.size() + b.got.size() + f.got.size();
            out.append(String.format(Locale.ROOT, "- server CPU by thread from the trigger to outbox empty (%.1f s): %.1f s in all, %.1f ms per "
                    + "event and %.2f ms per delivery attempt (%d attempts); by thread group, s:", window, totalTicks / 100.0,
                    totalTicks * 10.0 / n, totalTicks * 10.0 / attempts, attempts));
            byGroup.entrySet().stream().filter(e -> e.getValue() >= 10).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> out.append(String.format(Locale.ROOT, " %s %.1f (%.0f%% of its wall time);", e.getKey(), e.getValue() / 100.0,
                            e.getValue() / 100.0 / window * 100 / threadsIn(threads1, e.getKey()))));
            out.append('\n');
            for (Map.Entry<String, Receiver> e : byHook.entrySet()) {
                String tag = "endpoint=\"" + e.getKey() + "\"";
                double count = sum(prometheus, "lenswire_webhook_attempt_seconds_count", tag) - sum(prom0, "lenswire_webhook_attempt_seconds_count", tag);
                double secs = sum(prometheus, "lenswire_webhook_attempt_seconds_sum", tag) - sum(prom0, "lenswire_webhook_attempt_seconds_sum", tag);
                out.append(String.format(Locale.ROOT, "- attempts to %s: %.0f, mean %.1f ms (send -> answer, lenswire_webhook_attempt)%n",
                        e.getValue().name, count, secs * 1000 / count));
            }
            for (Map.Entry<String, Receiver> e : byHook.entrySet()) {
                List<Double> durations = new ArrayList<>();
                for (JsonNode d : api.get("/api/webhooks/" + e.getKey() + "/deliveries?limit=500").json().path("deliveries")) {
                    for (JsonNode at : d.path("attempts")) {
                        durations.add(at.path("duration_ms").asDouble());
                    }
                }
                out.append(String.format(Locale.ROOT, "- attempt duration_ms stored for %s (deliveries API, newest 500 deliveries, %d attempts): "
                        + "p50 %.0f, p95 %.0f, max %.0f%n", e.getValue().name, durations.size(), percentile(durations, 50),
                        percentile(durations, 95), percentile(durations, 100)));
            }
            StringBuilder perSecond = new StringBuilder();
            for (long t = 0; t <= emptyAt - firstStored + 1000; t += 1000) {
                long at = firstStored + t;
                samples.stream().filter(x -> x.atMillis() >= at).findFirst()
                        .ifPresent(x -> perSecond.append(String.format(Locale.ROOT, " %d", (long) x.depth())));
            }
            out.append("- outbox depth at each second from the first event stored:").append(perSecond).append('\n');
            out.append("- server counters:\n");
            Matcher m = DELIVERIES.matcher(prometheus);
            while (m.find()) {
                String endpoint = m.group(1).replaceAll(".*endpoint=\"([^\"]*)\".*", "$1");
                Receiver r = byHook.get(endpoint);
                out.append("  ").append(r == null ? endpoint : r.name).append(' ').append(m.group(1).replaceAll(".*(outcome=\"[^\"]*\").*", "$1"))
                        .append(' ').append(m.group(2)).append('\n');
            }
            boolean ok = lostA == 0 && lostB == 0;
            out.append(String.format(Locale.ROOT, "Burst verdict: 0 lost -> %s%n%n", ok ? "met" : "MISSED"));
            values.put("burst.storeMillis", (double) (lastStored - firstStored));
            values.put("burst.healthyMillis", (double) (healthyDoneAt - firstStored));
            values.put("burst.emptyMillis", (double) (emptyAt - firstStored));
            values.put("burst.lost", (double) (lostA + lostB));
            values.put("burst.duplicates", (double) (dupA + dupB));
            values.put("burst.depthMax", depthMax);
            values.put("burst.cpu", cpuBurst);
            values.put("burst.cpuPeak", peakCpu);
            values.put("burst.heapMaxMB", heapMax / 1048576);
            values.put("burst.deliveryA.p50", percentile(deliveryA, 50));
            values.put("burst.deliveryA.p95", percentile(deliveryA, 95));
            values.put("burst.load1", firstLoad(load1));
        }
    }

    static final class Sampler implements Runnable {
        final Api api;
        final long pid;
        final Receiver a;
        final Receiver b;
        final Receiver f;
        final List<Sample> samples;
        volatile boolean stop;

        Sampler(Api api, long pid, Receiver a, Receiver b, Receiver f, List<Sample> samples) {
            this.api = api;
            this.pid = pid;
            this.a = a;
            this.b = b;
            this.f = f;
            this.samples = samples;
        }

        @Override
        public void run() {
            long next = System.currentTimeMillis();
            while (!stop) {
                long at = System.currentTimeMillis();
                long ticks = ViewersBench.cpuTicks(pid);
                int ra = a.got.size();
                int rb = b.got.size();
                int rf = f.got.size();
                String prometheus;
                try {
                    prometheus = api.get("/actuator/prometheus").body();
                } catch (RuntimeException e) {
                    prometheus = "";
                }
                double heap = 0;
                Matcher h = HEAP.matcher(prometheus);
                while (h.find()) {
                    heap += Double.parseDouble(h.group(1));
                }
                Matcher d = DEPTH.matcher(prometheus);
                double depth = d.find() ? Double.parseDouble(d.group(1)) : Double.NaN;
                samples.add(new Sample(at, depth, heap, ticks, ra, rb, rf));
                next += 250;
                long sleep = next - System.currentTimeMillis();
                if (sleep > 0) {
                    Wait.sleep(sleep);
                } else {
                    next = System.currentTimeMillis();
                }
            }
        }
    }

    private static double cpuPercent(List<Sample> window) {
        if (window.size() < 2) {
            return Double.NaN;
        }
        Sample first = window.get(0);
        Sample last = window.get(window.size() - 1);
        return (last.cpuTicks() - first.cpuTicks()) / 100.0 / ((last.atMillis() - first.atMillis()) / 1000.0) * 100;
    }

    // ---------------------------------------------------------------- helpers

    /** True, or an error that ends the wait at once when the server is gone (stopped by someone else, say). */
    private static boolean alive(LenswireProcess app) {
        if (ProcessHandle.of(app.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return true;
        }
        throw new AssertionError("the server process " + app.pid() + " ended; see target/lenswire-events-bench-*.log");
    }

    private static String prometheus(Api api) {
        return api.get("/actuator/prometheus").body();
    }

    /**
     * CPU ticks (utime + stime) of each live thread of a process, keyed "tid group", where the group
     * is the thread's name without numbers (Camel's and Tomcat's pools, GC and JIT threads together).
     */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("(?<=[-#\\s])[0-9]+|[0-9]+$", "").strip();
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return out;
    }

    private static long threadsIn(Map<String, Long> ticks, String group) {
        return Math.max(1, ticks.keySet().stream().filter(k -> k.substring(k.indexOf(' ') + 1).equals(group)).count());
    }

    /** Sum of the values of the lines of a metric that contain every fragment. */
    static double sum(String prometheus, String metric, String... fragments) {
        double total = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                boolean all = true;
                for (String f : fragments) {
                    all &= line.contains(f);
                }
                if (all) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    /** Exchanges and mean time of Camel routes between two scrapes (camel_route_policy_seconds). */
    private static void routeTimers(StringBuilder out, String before, String after, String... routes) {
        for (String route : routes) {
            String tag = "routeId=\"" + route + "\"";
            double count = sum(after, "camel_route_policy_seconds_count", tag) - sum(before, "camel_route_policy_seconds_count", tag);
            double secs = sum(after, "camel_route_policy_seconds_sum", tag) - sum(before, "camel_route_policy_seconds_sum", tag);
            out.append(String.format(Locale.ROOT, "- route %s: %.0f exchanges, mean %.1f ms%n", route, count, secs * 1000 / count));
        }
    }

    private static String summary(List<RunResult> results) {
        StringBuilder s = new StringBuilder("== medians of ").append(results.size()).append(" runs\n");
        s.append("| value | ");
        for (RunResult r : results) {
            s.append("run ").append(r.values().get("run").intValue()).append(" | ");
        }
        s.append("median |\n|---|");
        s.append("---:|".repeat(results.size() + 1)).append('\n');
        for (String key : results.get(0).values().keySet()) {
            if (key.equals("run")) {
                continue;
            }
            s.append("| ").append(key).append(" | ");
            List<Double> vs = new ArrayList<>();
            for (RunResult r : results) {
                Double v = r.values().get(key);
                vs.add(v);
                s.append(String.format(Locale.ROOT, "%.1f", v)).append(" | ");
            }
            vs.sort(null);
            double median = vs.size() % 2 == 1 ? vs.get(vs.size() / 2) : (vs.get(vs.size() / 2 - 1) + vs.get(vs.size() / 2)) / 2;
            s.append(String.format(Locale.ROOT, "%.1f", median)).append(" |\n");
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String name, List<Double> v) {
        s.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f |%n", name, percentile(v, 50), percentile(v, 95),
                percentile(v, 100), v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static void check(Api.Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": " + r.status() + " " + r.body());
        }
    }

    private static byte[] bytes(HttpClient http, Api api, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(api.base() + path)).header("X-API-Key", LenswireProcess.API_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode());
        }
        return r.body();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double firstLoad(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
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
