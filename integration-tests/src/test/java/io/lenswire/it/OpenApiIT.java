package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * {@code {segment}} becomes {@code init.mp4}. Non-JSON answers (playlists, segments, the player
 * page) are checked for their documented Content-Type only, HEAD answers for an empty body.
 *
 * <p>The walk builds JSON bodies from the document's examples only. A multipart operation (the
 * face uploads) is still called, without a body, and must then answer a documented 4xx; a real
 * upload of the shared photo {@code faces/obama.jpg} is checked on its own.
 */
class OpenApiIT {

    /** A camera id no test creates: path parameters are filled with it. */
    private static final String UNKNOWN_ID = "openapi-it-unknown";
    /** The built-in camera of the packaged application.yaml: playback sessions are made for it. */
    private static final String DEMO = "demo";
    private static final String PLAYBACK_TOKEN = "PlaybackToken";
    /** More than the 64 KB the API accepts. */
    private static final String TOO_LARGE = "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}";

    private static LenswireProcess app;
    private static Api api;
    private static String served;
    private static OpenApiDocument doc;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        app = LenswireProcess.start("openapi");
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
        List<String> answered = new ArrayList<>();
        try {
            for (Operation op : doc.operations()) {
                Playback session = needsSession(op) ? Playback.create(true) : null;
                HttpRequest.Builder builder = request(fill(op.path(), session));
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
        }
        assertThat(problems).isEmpty();
        assertThat(answered).as("successful answers of the playback operations").contains(
                "POST /api/stream/playback/create-session 201", "GET /api/stream/playback/sessions 200",
                "POST /api/stream/playback/{session_id}/start 200", "POST /api/stream/playback/{session_id}/refresh 200",
                "DELETE /api/stream/playback/{session_id} 200",
                "GET /api/stream/hls/{session_id}/playlist.m3u8 200", "HEAD /api/stream/hls/{session_id}/playlist.m3u8 200",
                "GET /api/stream/hls/{session_id}/{segment} 200", "HEAD /api/stream/hls/{session_id}/{segment} 200",
                "GET /player.html 200", "GET /api/faces 200", "GET /api/stream/analytics/stats 200",
                "POST /api/faces 415", "POST /api/faces/{id}/images 404", "DELETE /api/faces/{id} 404");
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
                "GET /player.html 405",
                "GET /api/stream/analytics/stats 401", "GET /api/stream/analytics/stats 404",
                "POST /api/faces 401", "POST /api/faces 405", "POST /api/faces 413", "POST /api/faces 415",
                "GET /api/faces 401", "POST /api/faces/{id}/images 401", "POST /api/faces/{id}/images 404",
                "DELETE /api/faces/{id} 401", "DELETE /api/faces/{id} 404");
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
        assertThat(r.body()).contains("#EXT-X-MAP:URI=\"init.mp4?token=" + session.token() + "\"");
        List<String> uris = r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(uris).isNotEmpty().allMatch(u -> u.matches("seg_\\d{6,9}\\.m4s\\?token=" + session.token()));

        Operation segment = operation("get", "/api/stream/hls/{session_id}/{segment}");
        String mediaSegment = uris.get(uris.size() - 1).replaceAll("\\?.*", "");
        for (String name : List.of("init.mp4", mediaSegment)) {
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
                    yield Optional.of(withKey.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}")));
                }
                if (tokenOp && op.path().contains("{segment}")) {
                    // an encoded slash in a segment name: refused by the HTTP server before any check
                    Playback session = Playback.create(false);
                    yield Optional.of(request(fill(op.path(), session).replace("init.mp4", "..%2Fapi-key"))
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
            case 409 -> requestExample(op).map(example -> {
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

    /** The path with a real session's id and {@code init.mp4} for a segment; other parameters get {@link #UNKNOWN_ID}. */
    private static String fill(String path, Playback session) {
        String filled = session == null ? path : path.replace("{session_id}", session.id());
        return fill(filled.replace("{segment}", "init.mp4"));
    }

    private static boolean needsSession(Operation op) {
        return op.path().contains("{session_id}");
    }

    private static void waitForDemo() {
        Wait.until("demo camera STREAMING", Duration.ofSeconds(60), () -> api.state(DEMO).equals("STREAMING"));
    }

    /** A live playback session of the demo camera, made over the API. */
    private record Playback(String id, String token) {

        /** @param play fetch its playlist once, so that the camera's muxer runs and init.mp4 exists */
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

    private static HttpResponse<String> send(HttpRequest.Builder request, String what) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
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
