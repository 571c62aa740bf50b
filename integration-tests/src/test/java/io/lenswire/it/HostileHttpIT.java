package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RawHttp;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;

/**
 * Hostile HTTP against every endpoint of one server: other spellings of the API's paths, credentials
 * where they do not belong, repeated auth headers, compressed bodies and bombs, wrong types and
 * oversize bodies, hostile uploads, and playback tokens of other, expired, replaced sessions. The
 * cases are generated over an endpoint table; each asserts its exact 4xx status and a JSON error
 * body, and that the request changed nothing (cameras, enrolled people, webhooks, live sessions
 * with their state and expiry). Sent byte for byte ({@link RawHttp}), as an attacker would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpIT {

    private static final String KEY = LenswireProcess.API_KEY;
    private static final String JWT_SECRET = "hostile-http-it-playback-secret-0123456789";
    private static final String WEBHOOK = "{webhook}";
    private static final String JSON_BODY = "{\"camera_id\":\"hostile\",\"rtsp_url\":\"rtsp://127.0.0.1:9/x\"}";

    /** One endpoint: method and path ({@value #WEBHOOK} stands for a real webhook's id) and whether it takes a JSON body. */
    record Endpoint(String method, String path, boolean json) {
        String resolved() {
            return path.replace(WEBHOOK, webhookId);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every endpoint that needs the API key. */
    static final List<Endpoint> PROTECTED = List.of(
            new Endpoint("POST", "/api/stream/cameras/add", true),
            new Endpoint("DELETE", "/api/stream/cameras/demo", false),
            new Endpoint("GET", "/api/stream/cameras/status", false),
            new Endpoint("GET", "/api/stream/analytics/stats", false),
            new Endpoint("GET", "/api/faces", false),
            new Endpoint("POST", "/api/faces", false),
            new Endpoint("POST", "/api/faces/1/images", true),
            new Endpoint("DELETE", "/api/faces/1", false),
            new Endpoint("GET", "/api/events", false),
            new Endpoint("GET", "/api/events/evt_none", false),
            new Endpoint("GET", "/api/events/evt_none/snapshot.jpg", false),
            new Endpoint("GET", "/api/events/stream", false),
            new Endpoint("GET", "/api/webhooks", false),
            new Endpoint("POST", "/api/webhooks", true),
            new Endpoint("GET", "/api/webhooks/" + WEBHOOK, false),
            new Endpoint("PATCH", "/api/webhooks/" + WEBHOOK, true),
            new Endpoint("DELETE", "/api/webhooks/" + WEBHOOK, false),
            new Endpoint("POST", "/api/webhooks/" + WEBHOOK + "/rotate-secret", false),
            new Endpoint("POST", "/api/webhooks/" + WEBHOOK + "/test", false),
            new Endpoint("GET", "/api/webhooks/" + WEBHOOK + "/deliveries", false),
            new Endpoint("POST", "/api/webhooks/" + WEBHOOK + "/deliveries/1/retry", false),
            new Endpoint("POST", "/api/stream/playback/create-session", true),
            new Endpoint("GET", "/api/stream/playback/sessions", false),
            new Endpoint("GET", "/actuator/prometheus", false),
            new Endpoint("GET", "/actuator/info", false),
            new Endpoint("GET", "/actuator", false));

    /** The endpoints that read a JSON body (and answer 415 to any other type). */
    static final List<Endpoint> JSON_ENDPOINTS = PROTECTED.stream()
            .filter(e -> e.json() && !e.path().startsWith("/api/faces")).toList();

    /** Every endpoint a body can be sent to: the POST and PATCH ones. */
    static final List<Endpoint> BODY_ENDPOINTS = PROTECTED.stream()
            .filter(e -> e.method().equals("POST") || e.method().equals("PATCH")).toList();

    /** A spelling of a path that routes to the same place: how to write it, and what the server must answer without a key. */
    record Variant(String name, int status, java.util.function.UnaryOperator<String> spell) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("canonical", 401, p -> p),
            new Variant("';x' after the first segment", 400, p -> firstSegment(p) + ";x" + rest(p)),
            new Variant("';jsessionid' at the end", 400, p -> p + ";jsessionid=0"),
            new Variant("percent-encoded first letter", 401, p -> "/%" + Integer.toHexString(p.charAt(1)) + p.substring(2)),
            new Variant("leading double slash", 401, p -> "/" + p),
            new Variant("double slash inside", 401, p -> firstSegment(p) + "/" + rest(p)),
            new Variant("upper-case first segment", 401, p -> firstSegment(p).toUpperCase() + rest(p)),
            new Variant("'./' dot segment", 401, p -> firstSegment(p) + "/." + rest(p)),
            new Variant("trailing dot on the first segment", 401, p -> firstSegment(p) + "." + rest(p)),
            new Variant("encoded slash", 400, p -> firstSegment(p) + "%2F" + rest(p).substring(Math.min(1, rest(p).length()))));

    private static LenswireProcess app;
    private static Api api;
    private static RawHttp raw;
    private static Path tomcatDir;
    private static String webhookId;
    private static byte[] gzipBomb;
    private static byte[] deflateBomb;

    @BeforeAll
    static void start() throws IOException {
        tomcatDir = TestPaths.scratch("lenswire-it-hostile-tomcat-");
        app = LenswireProcess.start("hostile",
                // the servlet temp dir where uploads are spooled, where this test can count files
                "--server.tomcat.basedir=" + tomcatDir,
                // every upload part goes to disk, so that a part left behind shows
                "--spring.servlet.multipart.file-size-threshold=0",
                // a known secret: the test signs expired and forged playback tokens with it
                "--lenswire.playback.jwt-secrets[0]=" + JWT_SECRET);
        api = app.api();
        raw = new RawHttp(Integer.parseInt(api.base().substring(api.base().lastIndexOf(':') + 1)));
        ObjectNode hook = Api.JSON.createObjectNode().put("url", "http://127.0.0.1:9/hostile").put("description", "hostile-it");
        hook.putArray("events").add("camera.online");
        Api.Response created = api.postJson("/api/webhooks", hook.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        webhookId = created.json().path("webhook").path("id").asText();
        gzipBomb = compress(new byte[10 * 1024 * 1024], true);
        deflateBomb = compress(new byte[10 * 1024 * 1024], false);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // ---------------------------------------------------------------- the table

    /** One request as sent on the wire: head lines (request line first) and body. */
    record Request(List<String> head, RawHttp.Body body) {
    }

    /**
     * One hostile input: its name, the status it must get, and how to make it (called right
     * before the request, after any preparation such as creating the sessions it abuses).
     */
    record Case(String name, int status, Supplier<Request> request) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        bypasses(cases);
        queryCredentials(cases);
        repeatedAuthHeaders(cases);
        compressedBodies(cases);
        wrongTypesAndSizes(cases);
        uploads(cases);
        sessions(cases);
        caseVariantIds(cases);
        return cases.stream();
    }

    private static void bypasses(List<Case> cases) {
        for (Endpoint e : PROTECTED) {
            for (Variant v : VARIANTS) {
                // a body where one may go: a gzip "JSON" body without a key was a 500 before the guard ran here
                cases.add(new Case(e + " spelled with " + v.name() + ", keyless", v.status(), () -> {
                    List<String> head = new ArrayList<>(List.of(e.method() + " " + v.spell().apply(e.resolved()) + " HTTP/1.1"));
                    if (e.method().equals("GET") || e.method().equals("DELETE")) {
                        return new Request(head, RawHttp.Body.NONE);
                    }
                    head.addAll(List.of("Content-Type: application/json", "Content-Encoding: gzip", "Content-Length: " + gzipBomb.length));
                    return new Request(head, RawHttp.Body.of(gzipBomb));
                }));
            }
        }
    }

    private static void queryCredentials(List<Case> cases) {
        for (Endpoint e : PROTECTED) {
            cases.add(new Case(e + " with ?X-API-Key= and no header", 401, () -> plain(e.method(), e.resolved() + "?X-API-Key=" + KEY)));
        }
        for (Endpoint e : List.of(PROTECTED.get(2), PROTECTED.get(12), PROTECTED.get(23))) {
            cases.add(new Case(e + " with ?x-api-key= in lower case", 401, () -> plain(e.method(), e.resolved() + "?x-api-key=" + KEY)));
            cases.add(new Case(e + " with ?Authorization= holding the key", 401,
                    () -> plain(e.method(), e.resolved() + "?a=1&Authorization=" + KEY)));
            cases.add(new Case(e + " with the key as ?X-API-Key and the header", 401,
                    () -> plain(e.method(), e.resolved() + "?X-API-Key=" + KEY, "X-API-Key: " + KEY)));
            cases.add(new Case(e + " with the key in Authorization: Bearer", 401,
                    () -> plain(e.method(), e.resolved(), "Authorization: Bearer " + KEY)));
        }
    }

    private static void repeatedAuthHeaders(List<Case> cases) {
        for (Endpoint e : List.of(PROTECTED.get(2), PROTECTED.get(4), PROTECTED.get(12), PROTECTED.get(22), PROTECTED.get(23))) {
            cases.add(new Case(e + " with two X-API-Key headers", 401,
                    () -> plain(e.method(), e.resolved(), "X-API-Key: " + KEY, "X-API-Key: " + KEY)));
            cases.add(new Case(e + " with a right and a wrong X-API-Key header", 401,
                    () -> plain(e.method(), e.resolved(), "X-API-Key: wrong", "X-API-Key: " + KEY)));
            cases.add(new Case(e + " with X-API-Key: key, key", 401, () -> plain(e.method(), e.resolved(), "X-API-Key: " + KEY + ", " + KEY)));
            cases.add(new Case(e + " with the key and two Authorization headers", 401,
                    () -> plain(e.method(), e.resolved(), "X-API-Key: " + KEY, "Authorization: Bearer a", "Authorization: Bearer b")));
        }
    }

    private static void compressedBodies(List<Case> cases) {
        for (Endpoint e : BODY_ENDPOINTS) {
            cases.add(new Case(e + " with a 10 MB gzip bomb", 415,
                    () -> withBody(e, "application/json", gzipBomb, "Content-Encoding: gzip", "X-API-Key: " + KEY)));
            cases.add(new Case(e + " with a 10 MB deflate bomb", 415,
                    () -> withBody(e, "application/json", deflateBomb, "Content-Encoding: deflate", "X-API-Key: " + KEY)));
            cases.add(new Case(e + " with gzip-compressed valid JSON", 415, () -> withBody(e, "application/json",
                    compress(JSON_BODY.getBytes(StandardCharsets.UTF_8), true), "Content-Encoding: gzip", "X-API-Key: " + KEY)));
        }
        Endpoint add = PROTECTED.get(0);
        cases.add(new Case(add + " with Content-Encoding: gzip, identity", 415,
                () -> withBody(add, "application/json", gzipBomb, "Content-Encoding: gzip, identity", "X-API-Key: " + KEY)));
        cases.add(new Case(add + " with Content-Encoding: br", 415,
                () -> withBody(add, "application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8), "Content-Encoding: br", "X-API-Key: " + KEY)));
    }

    private static void wrongTypesAndSizes(List<Case> cases) {
        for (Endpoint e : JSON_ENDPOINTS) {
            for (String type : List.of("text/plain", "application/xml", "application/jsonx", "text/json")) {
                cases.add(new Case(e + " with Content-Type " + type, 415,
                        () -> withBody(e, type, JSON_BODY.getBytes(StandardCharsets.UTF_8), "X-API-Key: " + KEY)));
            }
            cases.add(new Case(e + " with no Content-Type", 415, () -> {
                byte[] body = JSON_BODY.getBytes(StandardCharsets.UTF_8);
                return new Request(List.of(e.method() + " " + e.resolved() + " HTTP/1.1", "X-API-Key: " + KEY,
                        "Content-Length: " + body.length), RawHttp.Body.of(body));
            }));
            cases.add(new Case(e + " with a 70 KB body, chunked", 413,
                    () -> chunked(e, "application/json", oversize(), "X-API-Key: " + KEY)));
        }
        for (Endpoint e : BODY_ENDPOINTS) {
            cases.add(new Case(e + " with a form-urlencoded body", 415,
                    () -> withBody(e, "application/x-www-form-urlencoded", "camera_id=x".getBytes(StandardCharsets.UTF_8), "X-API-Key: " + KEY)));
        }
        for (Endpoint e : PROTECTED) {
            cases.add(new Case(e + " with a 70 KB body", 413, () -> withBody(e, "application/json", oversize(), "X-API-Key: " + KEY)));
        }
    }

    private static void uploads(List<Case> cases) {
        for (String path : List.of("/api/faces", "/api/faces/1/images")) {
            cases.add(new Case("POST " + path + " upload without the key", 401,
                    () -> upload(path, "b", form("b", 3 * 1024 * 1024, true), false)));
            cases.add(new Case("POST " + path + " upload with a wrong key", 401,
                    () -> upload(path, "b", form("b", 1024, true), false, "X-API-Key: nope")));
            cases.add(new Case("POST " + path + " chunked upload without the key", 401, () -> {
                byte[] body = form("b", 3 * 1024 * 1024, true);
                return new Request(List.of("POST " + path + " HTTP/1.1", "Content-Type: multipart/form-data; boundary=b",
                        "Transfer-Encoding: chunked"), chunks(body));
            }));
            cases.add(new Case("POST " + path + " declaring 65 MB", 413, () -> new Request(List.of("POST " + path + " HTTP/1.1",
                    "X-API-Key: " + KEY, "Content-Type: multipart/form-data; boundary=b", "Content-Length: " + (65L << 20)),
                    RawHttp.Body.of(form("b", 1024, true)))));
            cases.add(new Case("POST " + path + " streaming 65 MB chunked", 413, () -> new Request(List.of("POST " + path + " HTTP/1.1",
                    "X-API-Key: " + KEY, "Content-Type: multipart/form-data; boundary=b", "Transfer-Encoding: chunked"),
                    chunks(form("b", 65 << 20, true)))));
            cases.add(new Case("POST " + path + " with 60 parts", 413, () -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int i = 0; i < 60; i++) {
                    body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + i
                            + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                body.writeBytes("--b--\r\n".getBytes(StandardCharsets.US_ASCII));
                return upload(path, "b", body.toByteArray(), true);
            }));
            cases.add(new Case("POST " + path + " truncated multipart", 400, () -> {
                byte[] whole = form("b", 4096, true);
                byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 200);
                return upload(path, "b", cut, true);
            }));
            cases.add(new Case("POST " + path + " multipart without a boundary", 400, () -> new Request(List.of("POST " + path + " HTTP/1.1",
                    "X-API-Key: " + KEY, "Content-Type: multipart/form-data", "Content-Length: 10"), RawHttp.Body.of(new byte[10]))));
            cases.add(new Case("POST " + path + " multipart compressed", 415, () -> new Request(List.of("POST " + path + " HTTP/1.1",
                    "X-API-Key: " + KEY, "Content-Type: multipart/form-data; boundary=b", "Content-Encoding: gzip",
                    "Content-Length: " + gzipBomb.length), RawHttp.Body.of(gzipBomb))));
        }
        cases.add(new Case("POST /api/faces with an unknown form field", 400, () -> {
            byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"admin\"\r\n\r\ntrue\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
            return upload("/api/faces", "b", body, true);
        }));
        for (Endpoint e : List.of(PROTECTED.get(0), PROTECTED.get(13), PROTECTED.get(21))) {
            cases.add(new Case(e + " with a multipart body", 415, () -> upload(e.resolved(), "b", form("b", 1024, true), true)));
        }
    }

    private static void sessions(List<Case> cases) {
        String[] ops = {"POST /start", "POST /refresh", "DELETE "};
        for (String op : ops) {
            String method = op.substring(0, op.indexOf(' '));
            String suffix = op.substring(op.indexOf(' ') + 1);
            String label = method + " /api/stream/playback/{id}" + suffix;
            cases.add(new Case(label + " with another session's token", 403, () -> {
                Session a = Session.create();
                Session b = Session.create();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + b.token());
            }));
            cases.add(new Case(label + " with an expired token", 401, () -> {
                Session a = Session.create();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + forged(a, Instant.now().minusSeconds(60)));
            }));
            cases.add(new Case(label + " with the token as ?token=", 401, () -> {
                Session a = Session.create();
                return plain(method, a.path() + suffix + "?token=" + a.token());
            }));
            cases.add(new Case(label + " with the token as ?Authorization=", 401, () -> {
                Session a = Session.create();
                return plain(method, a.path() + suffix + "?Authorization=Bearer%20" + a.token());
            }));
            cases.add(new Case(label + " with a token replaced by its own refresh", 401, () -> {
                Session a = Session.create();
                a.refreshWithToken();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + a.token());
            }));
            cases.add(new Case(label + " with a token replaced by an API-key refresh", 401, () -> {
                Session a = Session.create();
                a.refreshWithKey();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + a.token());
            }));
            cases.add(new Case(label + " with alg none", 401, () -> {
                Session a = Session.create();
                String[] parts = a.token().split("\\.");
                String none = b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
                return plain(method, a.path() + suffix, "Authorization: Bearer " + none);
            }));
            cases.add(new Case(label + " with two Authorization headers", 401, () -> {
                Session a = Session.create();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + a.token(), "Authorization: Bearer " + a.token());
            }));
            cases.add(new Case(label + " with a valid token and a wrong X-API-Key", 401, () -> {
                Session a = Session.create();
                return plain(method, a.path() + suffix, "Authorization: Bearer " + a.token(), "X-API-Key: wrong");
            }));
        }
        for (String file : List.of("playlist.m3u8", "init_0.mp4")) {
            String label = "GET /api/stream/hls/{id}/" + file;
            cases.add(new Case(label + " with another session's token", 403, () -> {
                Session a = Session.create();
                Session b = Session.create();
                return plain("GET", a.hls(file) + "?token=" + b.token());
            }));
            cases.add(new Case(label + " with an expired token", 401, () -> {
                Session a = Session.create();
                return plain("GET", a.hls(file) + "?token=" + forged(a, Instant.now().minusSeconds(1)));
            }));
            cases.add(new Case(label + " with a token replaced by a refresh", 401, () -> {
                Session a = Session.create();
                a.refreshWithToken();
                return plain("GET", a.hls(file) + "?token=" + a.token());
            }));
            cases.add(new Case(label + " with ?X-API-Key= beside a valid token", 401, () -> {
                Session a = Session.create();
                return plain("GET", a.hls(file) + "?token=" + a.token() + "&X-API-Key=" + KEY);
            }));
            cases.add(new Case(label + " with the token as Authorization: Bearer t, t", 401, () -> {
                Session a = Session.create();
                return plain("GET", a.hls(file), "Authorization: Bearer " + a.token() + ", " + a.token());
            }));
            cases.add(new Case(label + " spelled with ;x", 400, () -> {
                Session a = Session.create();
                return plain("GET", a.hls(file).replace("/hls/", "/hls;x/") + "?token=" + a.token());
            }));
        }
        cases.add(new Case("GET /api/stream/cameras/status with a session token as Bearer", 401, () ->
                plain("GET", "/api/stream/cameras/status", "Authorization: Bearer " + Session.create().token())));
        cases.add(new Case("GET /api/stream/playback/sessions with a session token as ?token=", 401, () ->
                plain("GET", "/api/stream/playback/sessions?token=" + Session.create().token())));
    }

    private static void caseVariantIds(List<Case> cases) {
        cases.add(new Case("DELETE /api/stream/cameras/DEMO (the demo camera in upper case)", 404,
                () -> plain("DELETE", "/api/stream/cameras/DEMO", "X-API-Key: " + KEY)));
        cases.add(new Case("create-session for camera DEMO", 404, () -> withBody(PROTECTED.get(21), "application/json",
                "{\"camera_id\":\"DEMO\",\"user_id\":\"mallory\"}".getBytes(StandardCharsets.UTF_8), "X-API-Key: " + KEY)));
        cases.add(new Case("GET a webhook by its id in upper case", 404,
                () -> plain("GET", "/api/webhooks/" + webhookId.toUpperCase(), "X-API-Key: " + KEY)));
        cases.add(new Case("DELETE a webhook by its id in upper case", 404,
                () -> plain("DELETE", "/api/webhooks/" + webhookId.toUpperCase(), "X-API-Key: " + KEY)));
        cases.add(new Case("start of a session id with its case swapped, with the key", 404,
                () -> plain("POST", "/api/stream/playback/" + swapCase(Session.create().id()) + "/start", "X-API-Key: " + KEY)));
        cases.add(new Case("playlist of a session id with its case swapped, with its token", 403, () -> {
            Session a = Session.create();
            return plain("GET", "/api/stream/hls/" + swapCase(a.id()) + "/playlist.m3u8?token=" + a.token());
        }));
    }

    // ---------------------------------------------------------------- the tests

    @Test
    @Order(1)
    void theTableHasAtLeast120DistinctHostileInputs() {
        List<String> names = cases().map(Case::name).toList();
        assertThat(new HashSet<>(names)).as("distinct case names").hasSameSizeAs(names);
        assertThat(names.size()).isGreaterThanOrEqualTo(120);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    @Order(2)
    void isRefusedWithAJsonErrorAndChangesNothing(Case c) {
        Request request = c.request().get();
        State before = State.now();

        RawHttp.Response r = raw.send(request.head(), request.body());

        assertThat(r.status()).as("status of %s; body %s", c.name(), r.text()).isEqualTo(c.status());
        assertJsonError(r);
        assertThat(State.now()).as("what the server holds after a refused request").isEqualTo(before);
    }

    @Test
    @Order(3)
    void uploadsRefusedOrAcceptedLeaveTheTempDirAsItWas() throws IOException {
        Path photo = Path.of(System.getProperty("lenswire.shared", "../../shared"), "faces", "obama.jpg");
        assertThat(photo).as("the shared photo (-Dlenswire.shared=...)").isRegularFile();
        byte[] jpeg = Files.readAllBytes(photo);
        long[] before = tempDirUsage();
        for (int i = 0; i < 20; i++) {
            RawHttp.Response refused = send(upload("/api/faces", "b", form("b", 3 * 1024 * 1024, true), false));
            assertThat(refused.status()).as(refused.text()).isEqualTo(401);
        }
        List<Long> enrolled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawHttp.Response accepted = send(upload("/api/faces", "b", photoForm("b", "Person " + i, jpeg), true));
                assertThat(accepted.status()).as(accepted.text()).isEqualTo(201);
                enrolled.add(accepted.json().path("person").path("id").asLong());
            }
        } finally {
            enrolled.forEach(id -> assertThat(api.delete("/api/faces/" + id).status()).isEqualTo(200));
        }
        // the last request's parts go when it ends, which is just after its answer reached us
        Wait.until("the servlet temp dir as before the uploads", Duration.ofSeconds(10),
                () -> java.util.Arrays.equals(tempDirUsage(), before));
        assertThat(tempDirUsage()).as("files and bytes under the servlet temp dir").containsExactly(before);
    }

    @Test
    @Order(4)
    void actuatorAndPlayerAnswersAreAsDocumented() {
        assertThat(api.getStatusCode("/actuator/health")).isEqualTo(200);
        assertThat(api.send(api.request("/actuator/health").GET().build()).body()).doesNotContain("components");
        assertThat(api.get("/actuator/health").body()).contains("\"components\"");
        assertThat(api.get("/actuator/prometheus").body()).contains("jvm_threads_live_threads");
        RawHttp.Response player = raw.send(List.of("GET /player.html HTTP/1.1"), RawHttp.Body.NONE);
        assertThat(player.status()).isEqualTo(200);
        assertThat(player.header("Referrer-Policy")).isEqualTo("no-referrer");
        Session s = Session.create();
        RawHttp.Response playlist = raw.send(List.of("GET " + s.hls("playlist.m3u8") + "?token=" + s.token() + " HTTP/1.1"),
                RawHttp.Body.NONE);
        assertThat(playlist.status()).as(playlist.text()).isEqualTo(200);
        assertThat(playlist.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(api.delete("/api/stream/playback/" + s.id()).status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void theServerIsAliveAndLoggedNoErrorOfOurs() {
        assertThat(api.getStatusCode("/api/stream/health")).isEqualTo(200);
        assertThat(api.get("/api/stream/cameras/status").status()).isEqualTo(200);
        String log = app.log();
        assertThat(log).doesNotContain("unexpected error in route").doesNotContain("OutOfMemoryError")
                .doesNotContain(" ERROR ");
    }

    // ---------------------------------------------------------------- what a refused request must not change

    /** Cameras, enrolled people, webhooks with their secrets' state, live sessions with state and expiry. */
    record State(Set<String> cameras, Set<String> people, Set<String> webhooks, Set<String> sessions) {
        static State now() {
            Set<String> cameras = new TreeSet<>();
            api.get("/api/stream/cameras/status").json().path("cameras").forEach(c -> cameras.add(c.path("camera_id").asText()));
            Set<String> people = new TreeSet<>();
            api.get("/api/faces").json().path("persons").forEach(p -> people.add(p.path("id").asText()));
            Set<String> hooks = new TreeSet<>();
            api.get("/api/webhooks").json().path("webhooks").forEach(w -> hooks.add(w.toString()));
            Set<String> sessions = new TreeSet<>();
            api.get("/api/stream/playback/sessions").json().path("sessions").forEach(s -> sessions.add(s.toString()));
            return new State(cameras, people, hooks, sessions);
        }
    }

    // ---------------------------------------------------------------- playback sessions for the cases

    /** A live session of the demo camera and its newest token. */
    static final class Session {
        private final String id;
        private String token;

        private Session(String id, String token) {
            this.id = id;
            this.token = token;
        }

        static Session create() {
            Api.Response r = api.postJson("/api/stream/playback/create-session",
                    "{\"camera_id\":\"demo\",\"user_id\":\"hostile-" + System.nanoTime() + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            return new Session(r.json().path("session_id").asText(), r.json().path("token").asText());
        }

        String id() {
            return id;
        }

        /** The token this session had when created or last refreshed by this object (stale after a refresh). */
        String token() {
            return token;
        }

        String path() {
            return "/api/stream/playback/" + id;
        }

        String hls(String file) {
            return "/api/stream/hls/" + id + "/" + file;
        }

        /** Refreshes with its own token; {@link #token()} stays the old one, now replaced. */
        void refreshWithToken() {
            RawHttp.Response r = raw.send(List.of("POST " + path() + "/refresh HTTP/1.1", "Authorization: Bearer " + token,
                    "Content-Length: 0"), RawHttp.Body.NONE);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().path("token").asText()).isNotEqualTo(token);
        }

        void refreshWithKey() {
            Api.Response r = api.postJson(path() + "/refresh", "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    /** The session's current token with another exp (iat and nbf 10 minutes before it), signed with the server's secret. */
    private static String forged(Session s, Instant exp) {
        String[] parts = s.token().split("\\.");
        JsonNode claims;
        try {
            claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = exp.getEpochSecond() - 600;
        ObjectNode c = ((ObjectNode) claims).put("exp", exp.getEpochSecond()).put("iat", now).put("nbf", now);
        String signingInput = parts[0] + "." + b64(c.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- request builders

    private static RawHttp.Response send(Request request) {
        return raw.send(request.head(), request.body());
    }

    private static Request plain(String method, String path, String... headers) {
        List<String> head = new ArrayList<>(List.of(method + " " + path + " HTTP/1.1"));
        head.addAll(List.of(headers));
        if (method.equals("POST") || method.equals("PATCH")) {
            head.add("Content-Length: 0");
        }
        return new Request(head, RawHttp.Body.NONE);
    }

    private static Request withBody(Endpoint e, String type, byte[] body, String... headers) {
        List<String> head = new ArrayList<>(List.of(e.method() + " " + e.resolved() + " HTTP/1.1", "Content-Type: " + type,
                "Content-Length: " + body.length));
        head.addAll(List.of(headers));
        return new Request(head, RawHttp.Body.of(body));
    }

    private static Request chunked(Endpoint e, String type, byte[] body, String... headers) {
        List<String> head = new ArrayList<>(List.of(e.method() + " " + e.resolved() + " HTTP/1.1", "Content-Type: " + type,
                "Transfer-Encoding: chunked"));
        head.addAll(List.of(headers));
        return new Request(head, chunks(body));
    }

    private static Request upload(String path, String boundary, byte[] body, boolean withKey, String... headers) {
        List<String> head = new ArrayList<>(List.of("POST " + path + " HTTP/1.1",
                "Content-Type: multipart/form-data; boundary=" + boundary, "Content-Length: " + body.length));
        if (withKey) {
            head.add("X-API-Key: " + KEY);
        }
        head.addAll(List.of(headers));
        return new Request(head, RawHttp.Body.of(body));
    }

    /** The body in 8 KB chunks, with no length announced. */
    private static RawHttp.Body chunks(byte[] body) {
        return out -> {
            for (int off = 0; off < body.length; off += 8192) {
                int n = Math.min(8192, body.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, off, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        };
    }

    /** A form with a name and one "image" of {@code size} bytes, closed or not. */
    private static byte[] form(String boundary, int size, boolean closed) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMallory\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"m.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(new byte[size]);
        body.writeBytes(("\r\n--" + boundary + (closed ? "--" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] photoForm(String boundary, String name, byte[] jpeg) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"obama.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(jpeg);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] oversize() {
        return ("{\"name\":\"" + "a".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] compress(byte[] data, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes, new Deflater(9))) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Files and bytes under the Tomcat base dir (the servlet temp dir and the multipart location are in it). */
    private static long[] tempDirUsage() {
        try (Stream<Path> all = Files.walk(tomcatDir)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            return new long[] {files.size(), bytes};
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a file deleted while counted: counted again by the caller's wait
        }
    }

    private static void assertJsonError(RawHttp.Response r) {
        assertThat(String.valueOf(r.header("Content-Type")).split(";")[0].strip()).as("Content-Type of %s", r.text())
                .isEqualToIgnoringCase("application/json");
        JsonNode body = r.json();
        assertThat(body.path("success").isBoolean() && !body.path("success").booleanValue()).as("success:false in %s", r.text()).isTrue();
        assertThat(body.path("error").asText()).as("error in %s", r.text()).isNotBlank();
        assertThat(body.path("message").asText()).as("message in %s", r.text()).isNotBlank();
    }

    private static String firstSegment(String path) {
        int second = path.indexOf('/', 1);
        return second < 0 ? path : path.substring(0, second);
    }

    private static String rest(String path) {
        int second = path.indexOf('/', 1);
        return second < 0 ? "" : path.substring(second);
    }

    private static String swapCase(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return b.toString();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
