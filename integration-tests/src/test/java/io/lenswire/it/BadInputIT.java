package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import io.lenswire.it.support.Wait;

/**
 * Hostile and sloppy requests against the camera API: each is refused with its exact 4xx status and
 * a JSON error body ({success:false, error, message}), changes no camera, and leaves the server
 * healthy and its log free of errors and stack traces of ours.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final String ADD = "/api/stream/cameras/add";
    private static final String STATUS = "/api/stream/cameras/status";
    private static final String CAMERAS = "/api/stream/cameras/";
    private static final String HEALTH = "/api/stream/health";
    /** Nothing listens on the discard port: the camera is accepted and then fails to connect. */
    private static final String UNREACHABLE = "rtsp://127.0.0.1:9/x";
    private static final int LIMIT = 64 * 1024;

    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        app = LenswireProcess.start("badinput");
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    @AfterEach
    void serverStaysHealthy() {
        assertThat(api.getStatusCode(HEALTH)).as("GET " + HEALTH + " after the test").isEqualTo(200);
    }

    // ---------------------------------------------------------------- positive edges of the rules

    @Test
    @Order(1)
    void unreachableCameraIsAcceptedAndReportsItsFailureWithoutA5xx() {
        Api.Response added = api.postJson(ADD, json("camera_id", "unreachable", "rtsp_url", UNREACHABLE, "name", "Nobody home"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("success").asBoolean()).isTrue();
        assertThat(added.json().path("camera").path("camera_id").asText()).isEqualTo("unreachable");

        Wait.until("unreachable camera RECONNECTING or FAILED", Duration.ofSeconds(20),
                () -> Set.of("RECONNECTING", "FAILED").contains(api.state("unreachable")));
        Api.Response status = api.get(STATUS);
        assertThat(status.status()).isEqualTo(200);
        JsonNode camera = api.camera("unreachable").orElseThrow();
        assertThat(camera.path("state").asText()).isIn("RECONNECTING", "FAILED");
        assertThat(camera.path("last_error").asText()).isNotBlank();

        Api.Response removed = api.delete(CAMERAS + "unreachable");
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(api.camera("unreachable")).isEmpty();
    }

    @Test
    @Order(2)
    void cameraIdOf64CharactersIsAccepted() {
        String id = "cam_" + "x".repeat(56) + "-end";
        assertThat(id).hasSize(64);
        Api.Response added = api.postJson(ADD, json("camera_id", id, "rtsp_url", UNREACHABLE));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("camera").path("camera_id").asText()).isEqualTo(id);
        assertThat(api.delete(CAMERAS + id).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void bodyOfExactly64KbIsAcceptedAlsoChunked() {
        String json = json("camera_id", "at-limit", "rtsp_url", UNREACHABLE);
        byte[] body = (json + " ".repeat(LIMIT - json.length())).getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(LIMIT);
        Api.Response added = api.send(api.request(ADD).header("X-API-Key", LenswireProcess.API_KEY)
                .header("Content-Type", "application/json").POST(chunked(body)).build());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(api.delete(CAMERAS + "at-limit").status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- the table

    /** One refused request: what to send, which status it must get, and an optional preparation. */
    record Case(String name, int status, HttpRequest.Builder request, Consumer<Api> setup) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    @Order(4)
    void isRefusedWithAJsonError(Case c) {
        if (c.setup() != null) {
            c.setup().accept(api);
        }
        Set<String> before = cameraIds();

        Api.Response r = api.send(c.request().build());

        assertThat(r.status()).as("status of %s; body %s", c.name(), r.body()).isEqualTo(c.status());
        assertJsonError(r);
        assertThat(cameraIds()).as("cameras after a refused request").isEqualTo(before);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String url = UNREACHABLE;

        // malformed JSON
        cases.add(add("truncated JSON", 400, "{\"camera_id\":\"a\",\"rtsp_url\":"));
        cases.add(add("trailing garbage after the object", 400, json("camera_id", "trail", "rtsp_url", url) + " garbage"));
        cases.add(add("two objects", 400, json("camera_id", "two", "rtsp_url", url) + "{}"));
        cases.add(add("top-level array", 400, "[" + json("camera_id", "arr", "rtsp_url", url) + "]"));
        cases.add(add("top-level string", 400, "\"cam\""));
        cases.add(add("top-level number", 400, "42"));
        cases.add(add("top-level null", 400, "null"));
        cases.add(add("empty body", 400, ""));
        cases.add(add("whitespace-only body", 400, "  \n\t "));
        cases.add(add("single-quoted JSON", 400, "{'camera_id':'sq','rtsp_url':'" + url + "'}"));
        cases.add(add("camera_id given twice", 400, "{\"camera_id\":\"dup1\",\"camera_id\":\"dup2\",\"rtsp_url\":\"" + url + "\"}"));
        cases.add(new Case("invalid UTF-8 in a string", 400, addRequest(BodyPublishers.ofByteArray(invalidUtf8())), null));

        // missing fields and wrong types
        cases.add(add("empty object", 400, "{}"));
        cases.add(add("camera_id missing", 400, json("rtsp_url", url)));
        cases.add(add("rtsp_url missing", 400, json("camera_id", "nourl")));
        cases.add(add("camera_id null", 400, "{\"camera_id\":null,\"rtsp_url\":\"" + url + "\"}"));
        cases.add(add("camera_id a number", 400, "{\"camera_id\":42,\"rtsp_url\":\"" + url + "\"}"));
        cases.add(add("camera_id an object", 400, "{\"camera_id\":{\"id\":\"x\"},\"rtsp_url\":\"" + url + "\"}"));
        cases.add(add("camera_id an array", 400, "{\"camera_id\":[\"x\"],\"rtsp_url\":\"" + url + "\"}"));
        cases.add(add("camera_id a boolean", 400, "{\"camera_id\":true,\"rtsp_url\":\"" + url + "\"}"));
        cases.add(add("rtsp_url a number", 400, "{\"camera_id\":\"num\",\"rtsp_url\":554}"));
        cases.add(add("rtsp_url an object", 400, "{\"camera_id\":\"obj\",\"rtsp_url\":{\"host\":\"x\"}}"));

        // camera_id values
        for (String id : List.of("../etc", "a/b", "a\\b", "a b", "a\tb", "a\nb", "cam\n", "kamera-ü", "cam-\uD83D\uDE00",
                "%2e%2e", "-cam", "_cam", "x".repeat(65), "")) {
            cases.add(add("camera_id " + Api.JSON.valueToTree(id), 400, json("camera_id", id, "rtsp_url", url)));
        }

        // rtsp_url values
        for (String bad : List.of("file:///etc/passwd", "http://x/y", "javascript:alert(1)", "", "   ", "rtsp://",
                "rtsp:///x", "rtsp://host/a b", "rtsp://host/" + "a".repeat(2100), "ftp:", "ftp://host/x",
                "rtsp://host:99999/x", "rtsp://host:0/x")) {
            String shown = bad.length() > 40 ? bad.substring(0, 20) + "...(" + bad.length() + " chars)" : bad;
            // an id of its own per case: one wrongly accepted URL must not turn the next case into a 409
            cases.add(add("rtsp_url " + Api.JSON.valueToTree(shown), 400, json("camera_id", "badurl" + cases.size(), "rtsp_url", bad)));
        }

        // name, enable_analytics, unknown fields
        cases.add(add("name of 129 characters", 400, json("camera_id", "longname", "rtsp_url", url, "name", "n".repeat(129))));
        cases.add(add("name with a control character", 400, json("camera_id", "ctl", "rtsp_url", url, "name", "bell\u0007")));
        cases.add(add("name with NUL", 400, json("camera_id", "nul", "rtsp_url", url, "name", "a\u0000b")));
        cases.add(add("name a number", 400, "{\"camera_id\":\"nn\",\"rtsp_url\":\"" + url + "\",\"name\":7}"));
        cases.add(add("enable_analytics \"yes\"", 400, "{\"camera_id\":\"an1\",\"rtsp_url\":\"" + url + "\",\"enable_analytics\":\"yes\"}"));
        cases.add(add("enable_analytics 1", 400, "{\"camera_id\":\"an2\",\"rtsp_url\":\"" + url + "\",\"enable_analytics\":1}"));
        cases.add(add("unknown extra field", 400, "{\"camera_id\":\"ex\",\"rtsp_url\":\"" + url + "\",\"admin\":true}"));

        // size
        byte[] big = json("camera_id", "big", "rtsp_url", url, "name", "n".repeat(70_000)).getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("body over 64 KB with Content-Length", 413, addRequest(BodyPublishers.ofByteArray(big)), null));
        cases.add(new Case("body over 64 KB chunked", 413, addRequest(chunked(big)), null));

        // content type and encoding
        String valid = json("camera_id", "ctype", "rtsp_url", url);
        cases.add(new Case("Content-Type text/plain", 415, withKey(ADD).header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString(valid)), null));
        cases.add(new Case("Content-Type form-urlencoded", 415, withKey(ADD).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("camera_id=ctype&rtsp_url=" + url)), null));
        cases.add(new Case("Content-Type multipart/form-data", 415, withKey(ADD).header("Content-Type", "multipart/form-data; boundary=XyZ")
                .POST(BodyPublishers.ofString("--XyZ\r\nContent-Disposition: form-data; name=\"camera_id\"\r\n\r\nctype\r\n--XyZ--\r\n")), null));
        cases.add(new Case("no Content-Type", 415, withKey(ADD).POST(BodyPublishers.ofString(valid)), null));
        cases.add(new Case("Content-Type application/xml", 415, withKey(ADD).header("Content-Type", "application/xml")
                .POST(BodyPublishers.ofString("<camera/>")), null));
        cases.add(new Case("Content-Encoding gzip", 415, addRequest(BodyPublishers.ofString(valid)).header("Content-Encoding", "gzip"), null));

        // API key, on add, status and delete (delete of the demo camera: it must survive)
        String unauthorized = json("camera_id", "intruder", "rtsp_url", url);
        cases.add(new Case("add without API key", 401, jsonPost(ADD, unauthorized), null));
        cases.add(new Case("add with wrong API key", 401, jsonPost(ADD, unauthorized).header("X-API-Key", "wrong-" + LenswireProcess.API_KEY), null));
        cases.add(new Case("add with empty API key", 401, jsonPost(ADD, unauthorized).header("X-API-Key", ""), null));
        cases.add(new Case("status without API key", 401, request(STATUS).GET(), null));
        cases.add(new Case("status with wrong API key", 401, request(STATUS).header("X-API-Key", "nope").GET(), null));
        cases.add(new Case("status with empty API key", 401, request(STATUS).header("X-API-Key", "").GET(), null));
        cases.add(new Case("delete without API key", 401, request(CAMERAS + "demo").DELETE(), null));
        cases.add(new Case("delete with wrong API key", 401, request(CAMERAS + "demo").header("X-API-Key", LenswireProcess.API_KEY + "x").DELETE(), null));
        cases.add(new Case("delete with empty API key", 401, request(CAMERAS + "demo").header("X-API-Key", "").DELETE(), null));

        // conflicts and unknown cameras
        cases.add(new Case("duplicate camera_id", 409, addRequest(BodyPublishers.ofString(json("camera_id", "taken", "rtsp_url", url))),
                BadInputIT::ensureTakenCameraExists));
        cases.add(new Case("delete of an unknown camera", 404, withKey(CAMERAS + "no-such-camera").DELETE(), null));
        cases.add(new Case("delete of ..", 404, withKey(CAMERAS + "..").DELETE(), null));
        cases.add(new Case("delete of %2e%2e", 404, withKey(CAMERAS + "%2e%2e").DELETE(), null));
        cases.add(new Case("delete of a 1000-character id", 404, withKey(CAMERAS + "a".repeat(1000)).DELETE(), null));
        cases.add(new Case("delete of a 20000-character id (over the header limit)", 400, withKey(CAMERAS + "a".repeat(20_000)).DELETE(), null));
        cases.add(new Case("delete of an id with an encoded slash", 400, withKey(CAMERAS + "a%2fb").DELETE(), null));
        cases.add(new Case("delete of an id with an encoded NUL", 400, withKey(CAMERAS + "a%00b").DELETE(), null));

        // wrong methods and paths
        cases.add(new Case("GET on add", 405, withKey(ADD).GET(), null));
        cases.add(new Case("PUT on add", 405, withKey(ADD).header("Content-Type", "application/json").PUT(BodyPublishers.ofString(valid)), null));
        cases.add(new Case("PUT on status", 405, withKey(STATUS).header("Content-Type", "application/json").PUT(BodyPublishers.ofString("{}")), null));
        cases.add(new Case("PUT on status asking for HTML", 405, withKey(STATUS).header("Accept", "text/html")
                .PUT(BodyPublishers.ofString("{}")), null));
        cases.add(new Case("POST on a camera", 405, jsonPost(CAMERAS + "demo", "{}").header("X-API-Key", LenswireProcess.API_KEY), null));
        cases.add(new Case("PATCH on a camera", 405, withKey(CAMERAS + "demo").method("PATCH", BodyPublishers.ofString("{}")), null));
        cases.add(new Case("POST on health", 405, request(HEALTH).POST(BodyPublishers.noBody()), null));
        cases.add(new Case("unknown API path", 404, withKey("/api/stream/nothing-here").GET(), null));
        return cases.stream();
    }

    // ---------------------------------------------------------------- resource exhaustion and the log

    @Test
    @Order(5)
    void gigabyteChunkedBodyIsRefusedWithoutBeingRead() {
        long gigabyte = 1L << 30;
        AtomicLong sent = new AtomicLong();
        HttpRequest request = withKey(ADD).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new Spaces(gigabyte, sent))).build();
        long start = System.nanoTime();
        try {
            Api.Response r = api.send(request);
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            assertJsonError(r);
        } catch (IllegalStateException e) {
            // Also fine: the server answered early and closed the connection while we were still sending.
            assertThat(e).hasCauseInstanceOf(IOException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        // The server stops reading after the limit; TCP back-pressure then stops the client too.
        assertThat(sent.get()).as("bytes the client could send").isLessThan(64L * 1024 * 1024);
        assertThat(app.log()).doesNotContain("OutOfMemoryError");
    }

    /**
     * Refused requests are the client's business: nothing at ERROR, no exception logged by our code,
     * no stack frame of ours. The only stack trace allowed is Tomcat's own one-time INFO report of an
     * unparseable request (the 20000-character path), which it logs before any of our code runs.
     */
    @Test
    @Order(6)
    void logHasNoErrorsOrStackTracesOfOurs() {
        List<LogEntry> entries = LogEntry.parse(app.log());
        assertThat(entries).as("log entries").isNotEmpty();
        for (LogEntry e : entries) {
            assertThat(e.level()).as("level of %s", e.first()).isNotIn("ERROR", "FATAL");
            if (e.logger().startsWith("io.lenswire")) {
                assertThat(e.text()).as("entry of our code").doesNotContain("Exception");
            }
            assertThat(e.text()).as("stack frames of our code").doesNotContain("at io.lenswire.");
            if (e.hasStackTrace()) {
                assertThat(e.logger()).as("only Tomcat's request-parse report may carry a stack trace: %s", e.first())
                        .endsWith("Http11Processor");
                assertThat(e.level()).isEqualTo("INFO");
            }
        }
        assertThat(app.log()).doesNotContain("OutOfMemoryError").doesNotContain("unexpected error in route");
    }

    /** One log event of the Spring Boot console format, with its continuation lines (stack trace). */
    record LogEntry(String level, String logger, String first, String text) {
        private static final Pattern HEAD = Pattern.compile(
                "^\\d{4}-\\d\\d-\\d\\dT\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\\s+\\d+ --- \\[[^\\]]*\\] \\[[^\\]]*\\] (\\S+)\\s*:.*$");

        boolean hasStackTrace() {
            return text.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:"));
        }

        static List<LogEntry> parse(String log) {
            List<LogEntry> entries = new ArrayList<>();
            String level = null;
            String logger = null;
            StringBuilder text = null;
            for (String line : log.split("\n")) {
                Matcher m = HEAD.matcher(line);
                if (m.matches()) {
                    if (text != null) entries.add(new LogEntry(level, logger, text.toString().lines().findFirst().orElse(""), text.toString()));
                    level = m.group(1);
                    logger = m.group(2);
                    text = new StringBuilder(line).append('\n');
                } else if (text != null) {
                    text.append(line).append('\n'); // continuation; lines before the first entry are the banner
                }
            }
            if (text != null) entries.add(new LogEntry(level, logger, text.toString().lines().findFirst().orElse(""), text.toString()));
            return entries;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertJsonError(Api.Response r) {
        assertThat(r.contentType().split(";")[0].strip()).as("Content-Type of %s", r.body()).isEqualToIgnoringCase("application/json");
        JsonNode body = r.json();
        assertThat(body.isObject()).as("a JSON object: %s", r.body()).isTrue();
        assertThat(body.path("success").isBoolean() && !body.path("success").booleanValue()).as("success:false in %s", r.body()).isTrue();
        assertThat(body.path("error").asText()).as("error in %s", r.body()).isNotBlank();
        assertThat(body.path("message").isTextual()).as("message in %s", r.body()).isTrue();
        assertThat(body.path("message").asText()).as("message in %s", r.body()).isNotBlank();
    }

    private static void ensureTakenCameraExists(Api api) {
        if (api.camera("taken").isEmpty()) {
            Api.Response r = api.postJson(ADD, json("camera_id", "taken", "rtsp_url", UNREACHABLE));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
    }

    private static Set<String> cameraIds() {
        Set<String> ids = new TreeSet<>();
        Api.Response r = api.get(STATUS);
        assertThat(r.status()).isEqualTo(200);
        r.json().path("cameras").forEach(c -> ids.add(c.path("camera_id").asText()));
        return ids;
    }

    /** A JSON object from name/value pairs, escaped by Jackson (so tabs, NUL, emoji arrive as sent). */
    private static String json(String... pairs) {
        ObjectNode node = Api.JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node.toString();
    }

    private static byte[] invalidUtf8() {
        byte[] head = "{\"camera_id\":\"utf\",\"rtsp_url\":\"rtsp://127.0.0.1:9/x\",\"name\":\"caf".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xE9; // Latin-1 'é': not a valid UTF-8 sequence here
        body[head.length + 1] = (byte) 0xFF;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        return body;
    }

    /** A body of unknown length: HttpClient sends it with Transfer-Encoding: chunked. */
    private static BodyPublisher chunked(byte[] body) {
        return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    }

    private static Case add(String name, int status, String body) {
        return new Case(name, status, addRequest(BodyPublishers.ofString(body)), null);
    }

    private static HttpRequest.Builder addRequest(BodyPublisher body) {
        return withKey(ADD).header("Content-Type", "application/json").POST(body);
    }

    private static HttpRequest.Builder jsonPost(String path, String body) {
        return request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder withKey(String path) {
        return request(path).header("X-API-Key", LenswireProcess.API_KEY);
    }

    /** The case table is made when the parameterized test runs, after @BeforeAll started the server. */
    private static HttpRequest.Builder request(String path) {
        return api.request(path);
    }

    /** {@code size} spaces, counting what the HTTP client actually took. */
    private static final class Spaces extends InputStream {
        private final long size;
        private final AtomicLong read;

        Spaces(long size, AtomicLong read) {
            this.size = size;
            this.read = read;
        }

        @Override
        public int read() {
            if (read.get() >= size) return -1;
            read.incrementAndGet();
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = size - read.get();
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) ' ');
            read.addAndGet(n);
            return n;
        }
    }
}
