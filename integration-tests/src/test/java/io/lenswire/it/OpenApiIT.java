package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.OpenApiDocument;
import io.lenswire.it.support.OpenApiDocument.Operation;
import io.lenswire.it.support.Wait;

/**
 * Keeps docs/openapi.yaml true: the server serves it, every documented path + method answers with
 * a status the document lists for it, every documented error status that can be provoked from
 * outside really happens, and every answer (success or error) matches the documented media type and
 * schema, strictly (no undocumented field, no missing required one).
 *
 * <p>Paths with a {@code {session_id}} get a real playback session of the {@code demo} camera,
 * created over the API for each request (so that deleting one does not affect the next), and its
 * token as {@code Authorization: Bearer} where the operation takes a playback token;
 * {@code {segment}} becomes {@code init_0.mp4}. Non-JSON answers (playlists, segments, the player
 * page) are checked for their documented Content-Type only, HEAD answers for an empty body.
 *
 * <p>The walk builds JSON bodies from the document's examples only. A multipart operation (the
 * face uploads) is still called, without a body, and must then answer a documented 4xx; a real
 * upload of the shared photo {@code faces/obama.jpg} is checked on its own.
 *
 * <p>Events and webhooks: the server runs the demo camera with analytics, so enrolling the demo
 * face ({@code GET /demo/face.jpg}) gives a real {@code face.recognized} event with snapshots, whose
 * id fills {@code {event_id}}. Each operation on {@code /api/webhooks/{id}...} gets a webhook
 * endpoint of its own, created over the API and pointing at a receiver in this test (an HTTP
 * server on 127.0.0.1 answering 204), and {@code {delivery_id}} the delivery of a test event to it;
 * an endpoint from the configuration ({@value #CONFIGURED_WEBHOOK}) provokes the 409s. The event
 * stream never ends, so its answers are read up to the first message (the {@code : stream open}
 * comment); a test of its own reads it further. Received webhook messages are checked against the
 * {@code x-webhooks} description and verified with the Standard Webhooks library.
 */
class OpenApiIT {

    /** A camera id no test creates: path parameters are filled with it. */
    private static final String UNKNOWN_ID = "openapi-it-unknown";
    /** The built-in camera of the packaged application.yaml: playback sessions are made for it. */
    private static final String DEMO = "demo";
    private static final String PLAYBACK_TOKEN = "PlaybackToken";
    /** More than the 64 KB the API accepts. */
    private static final String TOO_LARGE = "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}";
    /** A webhook endpoint from the configuration (origin config): PATCH, DELETE and rotate-secret answer 409. */
    private static final String CONFIGURED_WEBHOOK = "openapi-config";
    private static final String EVENT_STREAM = "text/event-stream";

    /** What the test's webhook receiver got: its headers (any case) and body. */
    private record Received(HttpHeaders headers, String body) {
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    /** A webhook endpoint created over the API, with the secret its create answer showed. */
    private record Hook(String id, String secret) {
    }

    private static HttpServer receiver;
    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static String faceEventId;

    private static LenswireProcess app;
    private static Api api;
    private static String served;
    private static OpenApiDocument doc;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(HttpHeaders.of(exchange.getRequestHeaders(), (name, value) -> true),
                    new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        app = LenswireProcess.start("openapi",
                // the demo camera with analytics: face.recognized events with snapshots
                "--lenswire.cameras[0].id=" + DEMO, "--lenswire.cameras[0].name=Demo camera", "--lenswire.cameras[0].url=demo:",
                "--lenswire.cameras[0].analytics=true",
                // camera.offline one second after a camera fails
                "--lenswire.events.camera-offline-grace=1s",
                "--lenswire.webhooks.endpoints[0].id=" + CONFIGURED_WEBHOOK,
                "--lenswire.webhooks.endpoints[0].url=" + receiverUrl(),
                "--lenswire.webhooks.endpoints[0].events=camera.online",
                "--lenswire.webhooks.endpoints[0].secret=whsec_" + Base64.getEncoder().encodeToString(key));
        api = app.api();
        HttpResponse<String> r = send(request("/api/openapi.yaml").GET(), "GET /api/openapi.yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        served = r.body();
        doc = OpenApiDocument.parse(served);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void theServedDocumentIsDocsOpenapiYamlAsYaml() throws IOException {
        HttpResponse<String> r = send(request("/api/openapi.yaml").GET(), "GET /api/openapi.yaml");
        assertThat(OpenApiDocument.baseType(r.headers().firstValue("Content-Type").orElse(""))).isEqualTo("application/yaml");
        assertThat(doc.root().path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(doc.root().path("paths").has("/api/openapi.yaml")).as("the document describes itself").isTrue();
        Path source = Path.of(System.getProperty("lenswire.openapi", "../docs/openapi.yaml"));
        assertThat(served).as("the jar serves the current docs/openapi.yaml (rebuild the jar after editing it)")
                .isEqualTo(Files.readString(source, StandardCharsets.UTF_8));
    }

    @Test
    void everyDocumentedOperationAnswersWithADocumentedStatusAndSchema() {
        waitForDemo();
        List<String> problems = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> createdWebhooks = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        try {
            for (Operation op : doc.operations()) {
                Playback session = needsSession(op) ? Playback.create(true) : null;
                HttpRequest.Builder builder = request(target(op, session));
                if (op.needsApiKey()) {
                    builder.header("X-API-Key", LenswireProcess.API_KEY);
                } else if (session != null && op.accepts(PLAYBACK_TOKEN)) {
                    builder.header("Authorization", "Bearer " + session.token());
                }
                Optional<JsonNode> example = requestExample(op);
                if (example.isPresent()) {
                    builder.header("Content-Type", "application/json")
                            .method(op.method().toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.ofString(example.get().toString()));
                    if (op.path().equals("/api/stream/cameras/add")) {
                        created.add(example.get().path("camera_id").asText());
                    }
                } else {
                    // no body it can build (none documented, or multipart): called without one
                    builder.method(op.method().toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.noBody());
                }
                HttpResponse<String> r = send(builder, op.id());
                answered.add(op.id() + " " + r.statusCode());
                if (op.path().equals("/api/webhooks") && r.statusCode() == 201) {
                    createdWebhooks.add(json(r.body()).path("webhook").path("id").asText());
                }
                if (op.hasMultipartBody() && (r.statusCode() < 400 || r.statusCode() >= 500)) {
                    problems.add(op.id() + " without its multipart body answered " + r.statusCode() + ", expected a documented 4xx: " + r.body());
                }
                if (!op.documents(r.statusCode())) {
                    problems.add(op.id() + " answered " + r.statusCode() + ", documented: " + op.statuses() + "; body " + r.body());
                    continue;
                }
                problems.addAll(conformance(op, r));
            }
        } finally {
            created.stream().filter(id -> !id.isEmpty())
                    .forEach(id -> api.delete("/api/stream/cameras/" + id));
            createdWebhooks.forEach(id -> api.delete("/api/webhooks/" + id));
        }
        assertThat(problems).isEmpty();
        assertThat(answered).as("successful answers of the playback operations").contains(
                "POST /api/stream/playback/create-session 201", "GET /api/stream/playback/sessions 200",
                "POST /api/stream/playback/{session_id}/start 200", "POST /api/stream/playback/{session_id}/refresh 200",
                "DELETE /api/stream/playback/{session_id} 200",
                "GET /api/stream/hls/{session_id}/playlist.m3u8 200", "HEAD /api/stream/hls/{session_id}/playlist.m3u8 200",
                "GET /api/stream/hls/{session_id}/{segment} 200", "HEAD /api/stream/hls/{session_id}/{segment} 200",
                "GET / 200", "GET /player.html 200", "GET /api/faces 200", "GET /api/stream/analytics/stats 200",
                "POST /api/faces 415", "POST /api/faces/{id}/images 404", "DELETE /api/faces/{id} 404",
                "GET /api/events 200", "GET /api/events/stream 200", "GET /api/events/{event_id} 200",
                "GET /api/events/{event_id}/snapshot.jpg 200",
                "POST /api/webhooks 201", "GET /api/webhooks 200", "GET /api/webhooks/{id} 200", "PATCH /api/webhooks/{id} 200",
                "DELETE /api/webhooks/{id} 200", "POST /api/webhooks/{id}/rotate-secret 200", "POST /api/webhooks/{id}/test 202",
                "GET /api/webhooks/{id}/deliveries 200", "POST /api/webhooks/{id}/deliveries/{delivery_id}/retry 202");
    }

    @Test
    void documentedErrorStatusesHappenWithTheDocumentedBody() {
        List<String> problems = new ArrayList<>();
        List<String> provoked = new ArrayList<>();
        List<String> cleanup = new ArrayList<>();
        try {
            for (Operation op : doc.operations()) {
                for (String code : op.statuses()) {
                    int status = Integer.parseInt(code);
                    Optional<HttpRequest.Builder> provocation = provoke(op, status, cleanup);
                    if (provocation.isEmpty()) {
                        continue;
                    }
                    HttpResponse<String> r = send(provocation.get(), op.id() + " for " + status);
                    provoked.add(op.id() + " " + status);
                    if (r.statusCode() != status) {
                        problems.add(op.id() + ": provoking " + status + " gave " + r.statusCode() + ": " + r.body());
                        continue;
                    }
                    problems.addAll(conformance(op, r));
                    if (status == 405 && r.headers().firstValue("Allow").isEmpty()) {
                        problems.add(op.id() + ": 405 without an Allow header");
                    }
                }
            }
        } finally {
            cleanup.forEach(id -> api.delete("/api/stream/cameras/" + id));
        }
        assertThat(provoked).as("error statuses provoked").contains(
                "POST /api/stream/cameras/add 400", "POST /api/stream/cameras/add 401", "POST /api/stream/cameras/add 409",
                "POST /api/stream/cameras/add 413", "POST /api/stream/cameras/add 415",
                "DELETE /api/stream/cameras/{camera_id} 404", "GET /api/stream/health 405", "GET /actuator/prometheus 406",
                "POST /api/stream/playback/create-session 400", "POST /api/stream/playback/create-session 401",
                "POST /api/stream/playback/create-session 404", "POST /api/stream/playback/create-session 415",
                "GET /api/stream/playback/sessions 401",
                "POST /api/stream/playback/{session_id}/start 401", "POST /api/stream/playback/{session_id}/start 403",
                "POST /api/stream/playback/{session_id}/start 404",
                "POST /api/stream/playback/{session_id}/refresh 403", "DELETE /api/stream/playback/{session_id} 403",
                "GET /api/stream/hls/{session_id}/playlist.m3u8 401", "GET /api/stream/hls/{session_id}/playlist.m3u8 403",
                "GET /api/stream/hls/{session_id}/playlist.m3u8 404", "HEAD /api/stream/hls/{session_id}/playlist.m3u8 401",
                "GET /api/stream/hls/{session_id}/{segment} 400", "GET /api/stream/hls/{session_id}/{segment} 401",
                "GET /api/stream/hls/{session_id}/{segment} 403", "GET /api/stream/hls/{session_id}/{segment} 404",
                "GET / 405", "GET /player.html 405",
                "GET /api/stream/analytics/stats 401", "GET /api/stream/analytics/stats 404",
                "POST /api/faces 401", "POST /api/faces 405", "POST /api/faces 413", "POST /api/faces 415",
                "GET /api/faces 401", "POST /api/faces/{id}/images 401", "POST /api/faces/{id}/images 404",
                "DELETE /api/faces/{id} 401", "DELETE /api/faces/{id} 404",
                "GET /api/events 400", "GET /api/events 401", "GET /api/events 405", "GET /api/events 413", "GET /api/events 415",
                "GET /api/events/stream 400", "GET /api/events/stream 401", "GET /api/events/stream 405",
                "GET /api/events/stream 413", "GET /api/events/stream 415",
                "GET /api/events/{event_id} 401", "GET /api/events/{event_id} 404", "GET /api/events/{event_id} 405",
                "GET /api/events/{event_id}/snapshot.jpg 400", "GET /api/events/{event_id}/snapshot.jpg 401",
                "GET /api/events/{event_id}/snapshot.jpg 404",
                "POST /api/webhooks 400", "POST /api/webhooks 401", "POST /api/webhooks 405", "POST /api/webhooks 413",
                "POST /api/webhooks 415", "GET /api/webhooks 401",
                "GET /api/webhooks/{id} 401", "GET /api/webhooks/{id} 404", "GET /api/webhooks/{id} 405",
                "PATCH /api/webhooks/{id} 400", "PATCH /api/webhooks/{id} 404", "PATCH /api/webhooks/{id} 409",
                "PATCH /api/webhooks/{id} 415", "DELETE /api/webhooks/{id} 404", "DELETE /api/webhooks/{id} 409",
                "POST /api/webhooks/{id}/rotate-secret 404", "POST /api/webhooks/{id}/rotate-secret 409",
                "POST /api/webhooks/{id}/test 404", "POST /api/webhooks/{id}/test 409",
                "GET /api/webhooks/{id}/deliveries 400", "GET /api/webhooks/{id}/deliveries 404",
                "POST /api/webhooks/{id}/deliveries/{delivery_id}/retry 404",
                "POST /api/webhooks/{id}/deliveries/{delivery_id}/retry 405");
        assertThat(problems).isEmpty();
    }

    @Test
    void statusAndHealthCarryEveryDocumentedProperty() {
        Wait.until("demo camera STREAMING", Duration.ofSeconds(60), () -> api.state("demo").equals("STREAMING"));
        Operation status = operation("get", "/api/stream/cameras/status");
        HttpResponse<String> r = send(request(status.path()).header("X-API-Key", LenswireProcess.API_KEY).GET(), status.id());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(conformance(status, r)).isEmpty();
        JsonNode cameras = json(r.body()).path("cameras");
        assertThat(cameras.size()).as("cameras in the status answer").isPositive();
        // a streaming camera fills the nullable stream fields, so their types are checked too
        assertThat(cameras.get(0).path("codec").isNull()).isFalse();

        Operation health = operation("get", "/api/stream/health");
        r = send(request(health.path()).GET(), health.id());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(conformance(health, r)).isEmpty();
        assertThat(json(r.body()).path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void hlsAnswersHaveTheDocumentedTypesAndCarryAQueryTokenOnEveryUri() {
        waitForDemo();
        Playback session = Playback.create(false);
        String base = "/api/stream/hls/" + session.id() + "/";
        Operation playlist = operation("get", "/api/stream/hls/{session_id}/playlist.m3u8");
        HttpResponse<String> r = send(request(base + "playlist.m3u8?token=" + session.token()).GET(), playlist.id());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(conformance(playlist, r)).isEmpty();
        assertThat(r.body()).contains("#EXT-X-MAP:URI=\"init_0.mp4?token=" + session.token() + "\"");
        List<String> uris = r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(uris).isNotEmpty().allMatch(u -> u.matches("seg_(\\d{6}|[1-9]\\d{6,17})\\.m4s\\?token=" + session.token()));

        Operation segment = operation("get", "/api/stream/hls/{session_id}/{segment}");
        String mediaSegment = uris.get(uris.size() - 1).replaceAll("\\?.*", "");
        for (String name : List.of("init_0.mp4", mediaSegment)) {
            HttpResponse<String> s = send(request(base + name).header("Authorization", "Bearer " + session.token()).GET(), segment.id());
            assertThat(s.statusCode()).as(name).isEqualTo(200);
            assertThat(conformance(segment, s)).isEmpty();
            assertThat(OpenApiDocument.baseType(s.headers().firstValue("Content-Type").orElse("")))
                    .isEqualTo(name.endsWith(".mp4") ? "video/mp4" : "video/iso.segment");
            HttpResponse<String> head = send(request(base + name).header("Authorization", "Bearer " + session.token())
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()), "HEAD " + name);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type")).isEqualTo(s.headers().firstValue("Content-Type"));
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void everyExampleMatchesItsSchema() {
        List<String> problems = new ArrayList<>();
        for (Operation op : doc.operations()) {
            checkExamples(op.id() + " request", doc.resolve(op.node().path("requestBody")), problems);
            for (Iterator<Map.Entry<String, JsonNode>> responses = op.node().path("responses").fields(); responses.hasNext(); ) {
                Map.Entry<String, JsonNode> response = responses.next();
                checkExamples(op.id() + " " + response.getKey(), doc.resolve(response.getValue()), problems);
            }
        }
        JsonNode delivery = webhookDelivery();
        checkExamples("x-webhooks event request", doc.resolve(delivery.path("requestBody")), problems);
        for (JsonNode parameter : delivery.path("parameters")) {
            doc.check(parameter.path("schema"), parameter.path("example"))
                    .forEach(p -> problems.add("x-webhooks header " + parameter.path("name").asText() + " example " + p));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aRealMultipartUploadEnrollsAPersonAsDocumented() throws IOException {
        Path photo = Path.of(System.getProperty("lenswire.shared", "../../shared"), "faces", "obama.jpg");
        assertThat(photo).as("the shared photo (-Dlenswire.shared=...)").isRegularFile();
        byte[] jpeg = Files.readAllBytes(photo);

        Operation enroll = operation("post", "/api/faces");
        HttpResponse<String> r = send(multipart("/api/faces", List.of(Map.entry("name", "Barack Obama")),
                List.of(Map.entry("obama.jpg", jpeg))), enroll.id());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(conformance(enroll, r)).isEmpty();
        JsonNode person = json(r.body()).path("person");
        long id = person.path("id").asLong();
        assertThat(person.path("name").asText()).isEqualTo("Barack Obama");
        assertThat(person.path("images").size()).isEqualTo(1);
        assertThat(person.path("images").get(0).path("file_name").asText()).isEqualTo("obama.jpg");
        assertThat(person.path("images").get(0).path("content_type").asText()).isEqualTo("image/jpeg");
        try {
            Operation add = operation("post", "/api/faces/{id}/images");
            r = send(multipart("/api/faces/" + id + "/images", List.of(), List.of(Map.entry("obama.jpg", jpeg))), add.id());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(conformance(add, r)).isEmpty();
            assertThat(json(r.body()).path("person").path("images").size()).isEqualTo(2);

            // the JSON form without an event id, and with an unknown event: the documented 400 and 404
            r = send(request("/api/faces/" + id + "/images").header("X-API-Key", LenswireProcess.API_KEY)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")), add.id() + " {}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(conformance(add, r)).isEmpty();
            r = send(request("/api/faces/" + id + "/images").header("X-API-Key", LenswireProcess.API_KEY)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"event_id\": \"evt_none\"}")),
                    add.id() + " unknown event");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(conformance(add, r)).isEmpty();

            // a form without the name: the documented 400
            r = send(multipart("/api/faces", List.of(), List.of(Map.entry("obama.jpg", jpeg))), enroll.id() + " without name");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(conformance(enroll, r)).isEmpty();

            Operation list = operation("get", "/api/faces");
            r = send(request("/api/faces").header("X-API-Key", LenswireProcess.API_KEY).GET(), list.id());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(conformance(list, r)).isEmpty();
            assertThat(json(r.body()).path("persons").findValuesAsText("name")).contains("Barack Obama");
        } finally {
            Operation delete = operation("delete", "/api/faces/{id}");
            r = send(request("/api/faces/" + id).header("X-API-Key", LenswireProcess.API_KEY).DELETE(), delete.id());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(conformance(delete, r)).isEmpty();
        }
    }

    @Test
    void theEventsMadeHereAndTheirSnapshotsAreAsDocumented() {
        // face.recognized (the demo face), webhook.test, and camera.offline of a camera that cannot connect
        String face = faceEvent();
        String test = testEvent(createWebhook(true));
        String camera = "openapi-it-offline";
        Api.Response added = api.addCamera(camera, "rtsp://127.0.0.1:1/none");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        try {
            Wait.until("camera.offline of " + camera, Duration.ofSeconds(60), () -> !api.get(
                    "/api/events?type=camera.offline&camera_id=" + camera).json().path("events").isEmpty());
        } finally {
            api.delete("/api/stream/cameras/" + camera);
        }

        Operation list = operation("get", "/api/events");
        for (String query : List.of("type=face.recognized", "type=webhook.test", "type=camera.offline&camera_id=" + camera)) {
            HttpResponse<String> r = send(request("/api/events?" + query).header("X-API-Key", LenswireProcess.API_KEY).GET(), list.id());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(conformance(list, r)).isEmpty();
            assertThat(json(r.body()).path("events").size()).as(query).isPositive();
        }
        // paging: one per page, the cursor leads to the next (older) one
        HttpResponse<String> page = send(request("/api/events?limit=1").header("X-API-Key", LenswireProcess.API_KEY).GET(), list.id());
        String cursor = json(page.body()).path("next_cursor").asText();
        assertThat(cursor).isNotEmpty();
        HttpResponse<String> next = send(request("/api/events?limit=1&cursor=" + cursor).header("X-API-Key", LenswireProcess.API_KEY).GET(),
                list.id());
        assertThat(conformance(list, next)).isEmpty();
        assertThat(json(next.body()).path("events").get(0).path("event_id").asText())
                .isNotEqualTo(json(page.body()).path("events").get(0).path("event_id").asText());

        Operation get = operation("get", "/api/events/{event_id}");
        for (String id : List.of(face, test)) {
            HttpResponse<String> r = send(request("/api/events/" + id).header("X-API-Key", LenswireProcess.API_KEY).GET(), get.id());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(conformance(get, r)).isEmpty();
            assertThat(json(r.body()).path("event").path("data").path("event_id").asText()).isEqualTo(id);
        }
        JsonNode data = api.get("/api/events/" + face).json().path("event").path("data");
        assertThat(data.path("snapshot_url").asText()).isEqualTo("/api/events/" + face + "/snapshot.jpg");

        Operation snapshot = operation("get", "/api/events/{event_id}/snapshot.jpg");
        for (String kind : List.of("", "?kind=face", "?kind=frame")) {
            HttpResponse<String> r = send(request("/api/events/" + face + "/snapshot.jpg" + kind)
                    .header("X-API-Key", LenswireProcess.API_KEY).GET(), snapshot.id());
            assertThat(r.statusCode()).as(kind + ": " + r.body()).isEqualTo(200);
            assertThat(conformance(snapshot, r)).isEmpty();
            assertThat(r.body()).as("a JPEG").startsWith("\u00ff\u00d8\u00ff");
            assertThat(r.headers().firstValue("Cache-Control")).contains("private, max-age=86400");
        }
        HttpResponse<String> none = send(request("/api/events/" + test + "/snapshot.jpg").header("X-API-Key", LenswireProcess.API_KEY).GET(),
                snapshot.id());
        assertThat(none.statusCode()).as("a test event has no snapshot").isEqualTo(404);
        assertThat(conformance(snapshot, none)).isEmpty();
    }

    @Test
    void theEventStreamResumesAfterLastEventIdThenGoesOnLive() throws Exception {
        Hook hook = createWebhook(true);
        String first = testEvent(hook);
        String second = testEvent(hook);
        Operation stream = operation("get", "/api/events/stream");
        JsonNode eventSchema = doc.root().path("components").path("schemas").path("Event");
        HttpResponse<InputStream> r = HTTP.send(request(stream.path()).header("X-API-Key", LenswireProcess.API_KEY)
                .header("Last-Event-ID", first).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(OpenApiDocument.baseType(r.headers().firstValue("Content-Type").orElse(""))).isEqualTo(EVENT_STREAM);
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Sse> messages = new ArrayList<>(reader.submit(() -> readUntil(lines, second)).get(60, TimeUnit.SECONDS));
            List<String> replayed = messages.stream().map(Sse::id).toList();
            assertThat(replayed).as("replayed after Last-Event-ID").doesNotContain(first).endsWith(second);

            String third = testEvent(hook);
            messages.addAll(reader.submit(() -> readUntil(lines, third)).get(60, TimeUnit.SECONDS));
            List<String> ids = messages.stream().map(Sse::id).toList();
            assertThat(ids).as("every event once").doesNotHaveDuplicates().endsWith(third);
            assertThat(new HashSet<>(ids)).as("replay, then live").containsAll(Set.of(second, third));
            for (Sse m : messages) {
                JsonNode event = json(m.data());
                assertThat(doc.check(eventSchema, event)).as(m.data()).isEmpty();
                assertThat(m.id()).isEqualTo(event.path("event_id").asText());
                assertThat(m.event()).isEqualTo(event.path("type").asText());
            }
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void deliveriesAreTheDocumentedSignedMessage() throws Exception {
        Hook hook = createWebhook(true);
        Received message = awaitDelivery(testEvent(hook));
        assertThat(messageProblems(message)).isEmpty();
        // the independent verifier of the Standard Webhooks specification
        new Webhook(hook.secret()).verify(message.body(), message.headers());

        // during a rotation's overlap: two signatures, the new secret's first
        Api.Response rotated = api.postJson("/api/webhooks/" + hook.id() + "/rotate-secret", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().path("secret").asText();
        Received during = awaitDelivery(testEvent(hook));
        assertThat(messageProblems(during)).isEmpty();
        String[] signatures = during.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        new Webhook(newSecret).verify(during.body(), withHeader(during, "webhook-signature", signatures[0]));
        new Webhook(hook.secret()).verify(during.body(), withHeader(during, "webhook-signature", signatures[1]));
    }

    /** A multipart/form-data POST with the API key: plain fields, then files in {@code images}. */
    private static HttpRequest.Builder multipart(String path, List<Map.Entry<String, String>> fields,
                                                 List<Map.Entry<String, byte[]>> images) {
        String boundary = "openapi-it-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> image : images) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + image.getKey()
                    + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(image.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return request(path).header("X-API-Key", LenswireProcess.API_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    // --- how each documented error status is provoked from outside (empty: cannot be, e.g. 500, 503) ---

    private static Optional<HttpRequest.Builder> provoke(Operation op, int status, List<String> cleanup) {
        String method = op.method().toUpperCase(Locale.ROOT);
        String path = fill(op.path());
        HttpRequest.Builder withKey = request(path).header("X-API-Key", LenswireProcess.API_KEY);
        boolean tokenOp = needsSession(op) && op.accepts(PLAYBACK_TOKEN);
        return switch (status) {
            case 400 -> {
                if (op.path().equals("/api/faces/{id}/images")) {
                    // the person id is checked first (404 for an unknown one): its 400 needs a real
                    // person, see aRealMultipartUploadEnrollsAPersonAsDocumented
                    yield Optional.empty();
                }
                if (op.hasJsonBody()) {
                    // an empty object: a required field missing, or nothing to change
                    yield Optional.of(request(target(op, null)).header("X-API-Key", LenswireProcess.API_KEY)
                            .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}")));
                }
                if (op.hasQueryParameter("limit")) {
                    yield Optional.of(request(target(op, null) + "?limit=0").header("X-API-Key", LenswireProcess.API_KEY)
                            .method(method, HttpRequest.BodyPublishers.noBody()));
                }
                if (op.hasQueryParameter("kind")) {
                    yield Optional.of(request(target(op, null) + "?kind=thumbnail").header("X-API-Key", LenswireProcess.API_KEY)
                            .method(method, HttpRequest.BodyPublishers.noBody()));
                }
                if (op.hasHeaderParameter("Last-Event-ID")) {
                    yield Optional.of(withKey.header("Last-Event-ID", "not-an-event-id").method(method, HttpRequest.BodyPublishers.noBody()));
                }
                if (tokenOp && op.hasQueryParameter("_HLS_msn")) {
                    // a blocking-reload part number without its segment number
                    Playback session = Playback.create(false);
                    yield Optional.of(request(fill(op.path(), session) + "?_HLS_part=1")
                            .header("Authorization", "Bearer " + session.token()).method(method, HttpRequest.BodyPublishers.noBody()));
                }
                if (tokenOp && op.path().contains("{segment}")) {
                    // an encoded slash in a segment name: refused by the HTTP server before any check
                    Playback session = Playback.create(false);
                    yield Optional.of(request(fill(op.path(), session).replace("init_0.mp4", "..%2Fapi-key"))
                            .header("Authorization", "Bearer " + session.token()).method(method, HttpRequest.BodyPublishers.noBody()));
                }
                yield Optional.empty();
            }
            case 401 -> {
                if (op.needsApiKey()) {
                    String target = needsSession(op) ? fill(op.path(), Playback.create(false)) : path;
                    yield Optional.of(request(target).header("Content-Type", "application/json").method(method, bodyFor(op)));
                }
                yield tokenOp
                        ? Optional.of(request(fill(op.path(), Playback.create(false))).method(method, HttpRequest.BodyPublishers.noBody()))
                        : Optional.empty();
            }
            case 403 -> {
                if (!tokenOp) {
                    yield Optional.empty();
                }
                // session A's URL with session B's token
                Playback a = Playback.create(false);
                Playback b = Playback.create(false);
                yield Optional.of(request(fill(op.path(), a)).header("Authorization", "Bearer " + b.token())
                        .method(method, HttpRequest.BodyPublishers.noBody()));
            }
            case 404 -> {
                if (op.hasPathParameter()) {
                    yield Optional.of(withKey.method(method, HttpRequest.BodyPublishers.noBody()));
                }
                if (op.hasQueryParameter("camera_id")) {
                    yield Optional.of(request(path + "?camera_id=" + UNKNOWN_ID).header("X-API-Key", LenswireProcess.API_KEY)
                            .method(method, HttpRequest.BodyPublishers.noBody()));
                }
                // a body naming a camera that does not exist
                yield requestExample(op).filter(e -> e.has("camera_id")).map(example -> withKey
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(
                                ((ObjectNode) example.deepCopy()).put("camera_id", UNKNOWN_ID).toString())));
            }
            case 405 -> Optional.of(withKey.method(undocumentedMethod(op.path()), HttpRequest.BodyPublishers.noBody()));
            case 406 -> Optional.of(withKey.header("Accept", "text/html").method(method, HttpRequest.BodyPublishers.noBody()));
            case 409 -> op.path().startsWith("/api/webhooks") ? webhookConflict(op, method) : requestExample(op).map(example -> {
                // the example once to be sure it exists, then the request under test repeats it
                send(request(path).header("X-API-Key", LenswireProcess.API_KEY).header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(example.toString())), op.id() + " (first)");
                cleanup.add(example.path("camera_id").asText());
                return withKey.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(example.toString()));
            });
            case 413 -> Optional.of(withKey.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(TOO_LARGE)));
            case 415 -> Optional.of(withKey.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString("camera_id=x")));
            default -> Optional.empty();
        };
    }

    private static HttpRequest.BodyPublisher bodyFor(Operation op) {
        return requestExample(op).map(e -> HttpRequest.BodyPublishers.ofString(e.toString()))
                .orElse(HttpRequest.BodyPublishers.noBody());
    }

    /** A method no operation of the path documents (so the path must answer 405). */
    private static String undocumentedMethod(String path) {
        for (String candidate : List.of("put", "patch", "post", "delete")) {
            if (!doc.root().path("paths").path(path).has(candidate)) {
                return candidate.toUpperCase(Locale.ROOT);
            }
        }
        throw new AssertionError(path + " documents every method");
    }

    // --- conformance of one answer to the document ---

    private static List<String> conformance(Operation op, HttpResponse<String> r) {
        List<String> problems = new ArrayList<>();
        String where = op.id() + " " + r.statusCode();
        JsonNode response = doc.response(op, r.statusCode());
        if (r.request().method().equals("HEAD") && !r.body().isEmpty()) {
            problems.add(where + ": a HEAD answer with a body");
        }
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        if (!response.has("content")) {
            return problems;
        }
        Optional<Map.Entry<String, JsonNode>> media = doc.mediaType(response, contentType);
        if (media.isEmpty()) {
            problems.add(where + ": Content-Type '" + contentType + "' is not documented");
            return problems;
        }
        JsonNode schema = media.get().getValue().path("schema");
        if (OpenApiDocument.isJson(media.get().getKey()) && !schema.isMissingNode()) {
            JsonNode body;
            try {
                body = Api.JSON.readTree(r.body());
            } catch (IOException e) {
                problems.add(where + ": not JSON: " + r.body());
                return problems;
            }
            doc.check(schema, body).forEach(p -> problems.add(where + " " + p + " in " + r.body()));
        }
        return problems;
    }

    private static void checkExamples(String where, JsonNode holder, List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> types = holder.path("content").fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            JsonNode schema = type.getValue().path("schema");
            if (!OpenApiDocument.isJson(type.getKey()) || schema.isMissingNode()) {
                continue;
            }
            if (type.getValue().has("example")) {
                doc.check(schema, type.getValue().get("example")).forEach(p -> problems.add(where + " example " + p));
            }
            for (Iterator<Map.Entry<String, JsonNode>> named = type.getValue().path("examples").fields(); named.hasNext(); ) {
                Map.Entry<String, JsonNode> example = named.next();
                doc.check(schema, doc.resolve(example.getValue()).path("value"))
                        .forEach(p -> problems.add(where + " example '" + example.getKey() + "' " + p));
            }
        }
    }

    // --- plumbing ---

    private static Optional<JsonNode> requestExample(Operation op) {
        JsonNode media = doc.resolve(op.node().path("requestBody")).path("content").path("application/json");
        if (media.has("example")) {
            return Optional.of(media.get("example"));
        }
        for (JsonNode example : media.path("examples")) {
            return Optional.of(doc.resolve(example).path("value"));
        }
        return Optional.empty();
    }

    private static Operation operation(String method, String path) {
        return doc.operations().stream().filter(o -> o.method().equals(method) && o.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(method + " " + path + " is not documented"));
    }

    private static String fill(String path) {
        return path.replaceAll("\\{[^}]+}", UNKNOWN_ID);
    }

    /** The path with a real session's id and {@code init_0.mp4} for a segment; other parameters get {@link #UNKNOWN_ID}. */
    private static String fill(String path, Playback session) {
        String filled = session == null ? path : path.replace("{session_id}", session.id());
        return fill(filled.replace("{segment}", "init_0.mp4"));
    }

    private static boolean needsSession(Operation op) {
        return op.path().contains("{session_id}");
    }

    /**
     * The path to call for an operation's success: {@link #fill(String, Playback)}, except that a
     * webhook path gets a new endpoint of its own (and the delivery of a test event to it), and
     * {@code {event_id}} a real face event with snapshots.
     */
    private static String target(Operation op, Playback session) {
        String path = op.path();
        if (path.startsWith("/api/webhooks/{id}")) {
            Hook hook = createWebhook(true);
            path = path.replace("{id}", hook.id());
            if (path.contains("/deliveries")) {
                path = path.replace("{delivery_id}", Long.toString(deliveredTestEvent(hook)));
            }
        }
        if (path.contains("{event_id}")) {
            path = path.replace("{event_id}", faceEvent());
        }
        return fill(path, session);
    }

    /** The 409s of webhook operations; creating one more than max-endpoints (100) is not provoked. */
    private static Optional<HttpRequest.Builder> webhookConflict(Operation op, String method) {
        if (op.path().equals("/api/webhooks/{id}/test")) {
            // a disabled endpoint
            return Optional.of(request(op.path().replace("{id}", createWebhook(false).id())).header("X-API-Key", LenswireProcess.API_KEY)
                    .method(method, HttpRequest.BodyPublishers.noBody()));
        }
        if (op.path().startsWith("/api/webhooks/{id}")) {
            // an endpoint of application.yaml, with the operation's own example body if it has one
            HttpRequest.Builder b = request(op.path().replace("{id}", CONFIGURED_WEBHOOK)).header("X-API-Key", LenswireProcess.API_KEY);
            return Optional.of(requestExample(op)
                    .map(e -> b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(e.toString())))
                    .orElseGet(() -> b.method(method, HttpRequest.BodyPublishers.noBody())));
        }
        return Optional.empty();
    }

    private static String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
    }

    /** A new webhook endpoint for camera.online (which nothing here makes) at the test's receiver. */
    private static Hook createWebhook(boolean enabled) {
        ObjectNode body = Api.JSON.createObjectNode().put("url", receiverUrl()).put("description", "openapi-it").put("enabled", enabled);
        body.putArray("events").add("camera.online");
        Api.Response r = api.postJson("/api/webhooks", body.toString());
        assertThat(r.status()).as("create a webhook: " + r.body()).isEqualTo(201);
        return new Hook(r.json().path("webhook").path("id").asText(), r.json().path("secret").asText());
    }

    /** Stores a webhook.test event for the endpoint; its event id. */
    private static String testEvent(Hook hook) {
        Api.Response r = api.postJson("/api/webhooks/" + hook.id() + "/test", "");
        assertThat(r.status()).as("test event: " + r.body()).isEqualTo(202);
        return r.json().path("event_id").asText();
    }

    /** The id of a test event's delivery to the endpoint, once the receiver has it. */
    private static long deliveredTestEvent(Hook hook) {
        Api.Response r = api.postJson("/api/webhooks/" + hook.id() + "/test", "");
        assertThat(r.status()).as("test event: " + r.body()).isEqualTo(202);
        long delivery = r.json().path("delivery_id").asLong();
        Wait.until("delivery " + delivery + " delivered", Duration.ofSeconds(30), () -> api.get("/api/webhooks/" + hook.id()
                + "/deliveries?status=delivered").json().path("deliveries").findValuesAsText("id").contains(Long.toString(delivery)));
        return delivery;
    }

    /** The message the receiver got for an event (waits for it). */
    private static Received awaitDelivery(String eventId) {
        Wait.until("webhook " + eventId + " at the receiver", Duration.ofSeconds(30),
                () -> received.stream().anyMatch(m -> m.header("webhook-id").equals(eventId)));
        return received.stream().filter(m -> m.header("webhook-id").equals(eventId)).findFirst().orElseThrow();
    }

    /**
     * A face.recognized event of the demo camera: the demo face (served by the server itself) is
     * enrolled until analytics has recognized it once.
     */
    private static synchronized String faceEvent() {
        if (faceEventId == null) {
            waitForDemo();
            HttpResponse<String> face = send(request("/demo/face.jpg").GET(), "GET /demo/face.jpg");
            assertThat(face.statusCode()).isEqualTo(200);
            byte[] jpeg = face.body().getBytes(StandardCharsets.ISO_8859_1);
            HttpResponse<String> enrolled = send(multipart("/api/faces", List.of(Map.entry("name", "Demo face")),
                    List.of(Map.entry("face.jpg", jpeg))), "enroll the demo face");
            assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
            long person = json(enrolled.body()).path("person").path("id").asLong();
            try {
                Wait.until("face.recognized of the demo face", Duration.ofSeconds(90), () -> !api.get(
                        "/api/events?type=face.recognized&person_id=" + person).json().path("events").isEmpty());
                faceEventId = api.get("/api/events?type=face.recognized&person_id=" + person).json()
                        .path("events").get(0).path("event_id").asText();
            } finally {
                api.delete("/api/faces/" + person);
            }
        }
        return faceEventId;
    }

    /** The x-webhooks operation: what a webhook endpoint receives. */
    private static JsonNode webhookDelivery() {
        JsonNode delivery = doc.root().path("x-webhooks").path("event").path("post");
        assertThat(delivery.isObject()).as("x-webhooks event post is documented").isTrue();
        return delivery;
    }

    /** How a received webhook message differs from its documentation (headers, body). */
    private static List<String> messageProblems(Received message) {
        List<String> problems = new ArrayList<>();
        JsonNode delivery = webhookDelivery();
        for (JsonNode parameter : delivery.path("parameters")) {
            String name = parameter.path("name").asText();
            Optional<String> value = message.headers().firstValue(name);
            if (value.isEmpty()) {
                problems.add("header " + name + " missing");
            } else {
                doc.check(parameter.path("schema"), TextNode.valueOf(value.get())).forEach(p -> problems.add("header " + name + " " + p));
            }
        }
        JsonNode body = doc.resolve(delivery.path("requestBody")).path("content").path("application/json");
        String contentType = message.header("Content-Type");
        if (!OpenApiDocument.baseType(contentType).equals("application/json")) {
            problems.add("Content-Type " + contentType);
        }
        doc.check(body.path("schema"), json(message.body())).forEach(p -> problems.add("body " + p));
        return problems;
    }

    /** The message's headers with one replaced. */
    private static HttpHeaders withHeader(Received message, String name, String value) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        map.putAll(message.headers().map());
        map.put(name, List.of(value));
        return HttpHeaders.of(map, (n, v) -> true);
    }

    /** One Server-Sent Events message. */
    private record Sse(String id, String event, String data) {
    }

    /** Reads messages (comments skipped) up to and including the one with this id. */
    private static List<Sse> readUntil(BufferedReader lines, String eventId) throws IOException {
        List<Sse> messages = new ArrayList<>();
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    messages.add(new Sse(id, event, data.toString()));
                    if (eventId.equals(id)) {
                        return messages;
                    }
                }
                id = null;
                event = null;
                data.setLength(0);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            } else if (!line.startsWith(":")) {
                throw new AssertionError("not a line of the documented stream format: " + line);
            }
        }
        throw new AssertionError("the event stream ended before " + eventId + "; read " + messages);
    }

    private static void waitForDemo() {
        Wait.until("demo camera STREAMING", Duration.ofSeconds(60), () -> api.state(DEMO).equals("STREAMING"));
    }

    /** A live playback session of the demo camera, made over the API. */
    private record Playback(String id, String token) {

        /** @param play fetch its playlist once, so that the camera's segmenter runs and init_0.mp4 exists */
        static Playback create(boolean play) {
            Api.Response r = api.postJson("/api/stream/playback/create-session",
                    "{\"camera_id\":\"" + DEMO + "\",\"user_id\":\"openapi-it\"}");
            assertThat(r.status()).as("create-session: " + r.body()).isEqualTo(201);
            Playback session = new Playback(r.json().path("session_id").asText(), r.json().path("token").asText());
            if (play) {
                HttpResponse<String> playlist = send(request("/api/stream/hls/" + session.id() + "/playlist.m3u8")
                        .header("Authorization", "Bearer " + session.token()).GET(), "playlist of a new session");
                assertThat(playlist.statusCode()).as("playlist of a new session: " + playlist.body()).isEqualTo(200);
            }
            return session;
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api.base() + path)).timeout(Duration.ofSeconds(30));
    }

    /**
     * Sends and reads the answer as text (ISO-8859-1 for binary answers, so that their bytes
     * survive); an event stream only up to its first message, since it never ends.
     */
    private static HttpResponse<String> send(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<InputStream> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String contentType = r.headers().firstValue("Content-Type").orElse("");
            String body;
            try (InputStream in = r.body()) {
                if (OpenApiDocument.baseType(contentType).equals(EVENT_STREAM)) {
                    body = firstMessage(in);
                } else {
                    byte[] bytes = in.readAllBytes();
                    boolean text = contentType.startsWith("text/") || contentType.contains("json") || contentType.contains("yaml")
                            || contentType.contains("mpegurl");
                    body = new String(bytes, text ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                }
            }
            return new Answer(r, body);
        } catch (IOException e) {
            throw new AssertionError(what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        }
    }

    /** An event stream's bytes up to the end of its first message (a blank line). */
    private static String firstMessage(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && out.size() < 65536) {
            out.write(b);
            if (out.toString(StandardCharsets.UTF_8).endsWith("\n\n")) {
                break;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A streamed answer with the part of its body that was read. */
    private record Answer(HttpResponse<InputStream> response, String body) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public URI uri() {
            return response.uri();
        }

        @Override
        public HttpClient.Version version() {
            return response.version();
        }
    }

    private static JsonNode json(String body) {
        try {
            return Api.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
