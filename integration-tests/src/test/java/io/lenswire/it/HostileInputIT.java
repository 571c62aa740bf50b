package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

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
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.TestPaths;

/**
 * Hostile camera addresses and ids, decompression bombs and malformed photos, and the limits on
 * cameras, people and photos: each refused with its exact 4xx status and a JSON error body,
 * nothing stored by a refused request, and the server healthy after all of them. Also: a bad
 * configured camera stops the start with a message naming the entry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final String ADD = "/api/stream/cameras/add";
    private static final String STATUS = "/api/stream/cameras/status";
    private static final String CAMERAS = "/api/stream/cameras/";
    private static final String HEALTH = "/api/stream/health";
    private static final String FACES = "/api/faces";
    private static final String UNREACHABLE = "rtsp://127.0.0.1:9/x";
    /** The demo camera, "taken" and one more: the next is refused. */
    private static final int MAX_CAMERAS = 3;

    private static LenswireProcess app;
    private static Api api;
    /** The one person the limits allow, enrolled by {@link #enrollTheOnePersonTheLimitAllows}. */
    private static long personId = -1;

    @BeforeAll
    static void start() {
        app = LenswireProcess.start("hostile",
                "-Dlenswire.ingest.max-cameras=" + MAX_CAMERAS,
                "-Dlenswire.analytics.enrollment.max-people=1",
                "-Dlenswire.analytics.enrollment.max-images-per-person=2",
                "--lenswire.analytics.models-dir=" + Faces.models());
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

    // ---------------------------------------------------------------- set-up of what the cases refer to

    @Test
    @Order(1)
    void enrollTheOnePersonTheLimitAllows() {
        Api.Response r = api.send(multipart(FACES, Faces.Part.text("name", "Only one"), Faces.Part.file(Faces.photo("obama.jpg"))).build());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        personId = r.json().path("person").path("id").asLong();
        Api.Response more = api.send(multipart(FACES + "/" + personId + "/images", Faces.Part.file(Faces.photo("obama2.jpg"))).build());
        assertThat(more.status()).as(more.body()).isEqualTo(201);
        assertThat(api.addCamera("taken", UNREACHABLE).status()).isEqualTo(201);
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
    @Order(2)
    void isRefusedWithAJsonErrorAndChangesNothing(Case c) {
        if (c.setup() != null) {
            c.setup().accept(api);
        }
        String before = state();

        Api.Response r = api.send(c.request().build());

        assertThat(r.status()).as("status of %s; body %s", c.name(), r.body()).isEqualTo(c.status());
        assertJsonError(r);
        assertThat(state()).as("cameras and people after a refused request").isEqualTo(before);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();

        // link-local and metadata hosts, in every spelling a resolver takes
        for (String url : List.of("rtsp://169.254.169.254/x", "rtsp://169.254.169.254:554/latest/meta-data/", "rtsp://169.254.0.1/x",
                "rtsp://169.254.255.255:8554/x", "rtsp://2852039166/x", "rtsp://0xa9fea9fe/x", "rtsp://0XA9FEA9FE:554/x",
                "rtsp://0xa9.0xfe.0xa9.0xfe/x", "rtsp://0251.0376.0251.0376/x", "rtsp://169.254.43518/x", "rtsp://169.16689662/x",
                "rtsp://0251.254.0xa9.254/x", "rtsp://169.254.169.254./x", "rtsp://[::ffff:169.254.169.254]/x", "rtsp://[::ffff:a9fe:a9fe]/x",
                "rtsp://[0:0:0:0:0:ffff:a9fe:a9fe]:554/x", "rtsp://[::169.254.169.254]/x", "rtsp://[64:ff9b::a9fe:a9fe]/x",
                "rtsp://[2002:a9fe:a9fe::1]/x", "rtsp://[fe80::1]/x", "rtsp://[fe80::1%25eth0]/x", "rtsp://[FE80::A:B]:8554/x",
                "rtsp://[febf:ffff::1]/x", "rtsp://100.100.100.200/x", "rtsp://[fd00:ec2::254]/x", "rtsp://metadata.google.internal/x",
                "rtsp://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/", "rtsp://instance-data/x", "rtsp://user:pw@169.254.169.254/x",
                "rtsps://169.254.169.254/x", "RTSP://169.254.169.254/x")) {
            cases.add(camera("link-local/metadata " + url, 400, url));
        }

        // other schemes and libavformat protocols
        for (String url : List.of("file:/etc/passwd", "file://localhost/etc/passwd", "http://169.254.169.254/latest/meta-data/",
                "https://cam.example/x", "data:video/mp4;base64,AAAA", "concat:rtsp://cam/x|file:/etc/passwd",
                "subfile:,start,0,end,100,:/etc/passwd", "pipe:0", "tcp://cam:554", "udp://cam:554", "rtp://cam:5004",
                "tls://cam:322", "async:rtsp://cam/x", "cache:rtsp://cam/x", "crypto:rtsp://cam/x", "gopher://cam/x", "rtmp://cam/live",
                "srt://cam:9000", "unix:/tmp/socket", "hls+http://cam/x.m3u8", "rtsp:/cam/x", "//cam/x", "rtsp:cam", "demo:", "demo://x")) {
            cases.add(camera("scheme " + url, 400, url));
        }

        // option injection, ambiguous credentials, bad ports
        for (String url : List.of("rtsp://cam/x?http", "rtsp://cam/x?tcp&http", "rtsp://cam/x?listen", "rtsp://cam/x?a=1&multicast",
                "rtsp://cam/x?HTTPS", "rtsp://cam/x#frag", "rtsp://cam/x|file:/etc/passwd", "rtsp://cam/x\"onerror=1",
                "rtsp://user:p@ss@cam/x", "rtsp://a@b@cam/x", "rtsp://user:pw@/x", "rtsp://:pw@/x", "rtsp://cam:65536/x",
                "rtsp://cam:99999999999/x", "rtsp://cam:-1/x", "rtsp://cam:abc/x")) {
            cases.add(camera("option/credential/port " + url, 400, url));
        }

        // overlong, control characters, non-ASCII hosts
        cases.add(camera("overlong host", 400, "rtsp://" + "a".repeat(2100) + "/x"));
        cases.add(camera("overlong user info", 400, "rtsp://" + "u".repeat(1500) + ":" + "p".repeat(1500) + "@cam/x"));
        for (String url : List.of("rtsp://cam/x\u0000", "rtsp://cam/x\u007f", "rtsp://cam/\tx", "rtsp://cam/x\r\nCSeq: 9",
                "rtsp://cam/x\u0085", "rtsp://cam/x\u200b", "rtsp://cam/\u202ex", "rtsp://kamera.\u4f8b\u3048.jp/x",
                "rtsp://\uff11\uff16\uff19.\uff12\uff15\uff14.\uff11\uff16\uff19.\uff12\uff15\uff14/x", "rtsp://c\u0430m.example/x",
                "rtsp://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/x")) {
            cases.add(camera("character " + Api.JSON.valueToTree(url), 400, url));
        }

        // ids: case variants of an existing camera, path and URI syntax, overlong
        for (String id : List.of("TAKEN", "Taken", "tAkEn")) {
            cases.add(new Case("camera_id " + id + " (case variant of 'taken')", 409, addRequest(json("camera_id", id, "rtsp_url", UNREACHABLE)),
                    HostileInputIT::ensureTakenExists));
        }
        for (String id : List.of("a?b", "a?size=1", "a&b", "a#b", "a%2fb", "a.b", "a:b", "a;b", "a=b", "a+b", "a@b", "a|b", "a*b", "*",
                ".", "..", "x".repeat(1000), "\uff43\uff41\uff4d", "cam\u202e", "cam\u0000", "seda:x", "a,b")) {
            String shown = id.length() > 40 ? "x*" + id.length() : id;
            cases.add(cameraBody("camera_id " + Api.JSON.valueToTree(shown), 400, json("camera_id", id, "rtsp_url", UNREACHABLE)));
        }
        cases.add(new Case("delete of a case variant", 404, withKey(CAMERAS + "TAKEN").DELETE(), HostileInputIT::ensureTakenExists));
        cases.add(new Case("delete of an id with '?'", 404, withKey(CAMERAS + "taken%3Fx").DELETE(), HostileInputIT::ensureTakenExists));

        // photos: decompression bombs by header, malformed and wrong files
        byte[] face = photo("obama.jpg");
        cases.add(image("PNG declaring 30000x30000", 413, pngHeader(30_000, 30_000, new byte[64])));
        cases.add(image("PNG declaring 7000x7000 (49 MP, over the 40 MP cap)", 413, pngHeader(7000, 7000, new byte[64])));
        cases.add(image("PNG declaring 100000x1", 413, pngHeader(100_000, 1, new byte[64])));
        cases.add(image("PNG declaring 1x100000", 413, pngHeader(1, 100_000, new byte[64])));
        cases.add(image("PNG declaring 2147483647x2147483647", 413, pngHeader(Integer.MAX_VALUE, Integer.MAX_VALUE, new byte[64])));
        cases.add(image("PNG declaring 0x10", 400, pngHeader(0, 10, new byte[64])));
        cases.add(image("PNG declaring a width over 2^31", 400, pngHeader(0x80000000L, 10, new byte[64])));
        cases.add(image("PNG whose first chunk is not IHDR", 400, withChunkType(pngHeader(100, 100, new byte[64]), "IDAT")));
        cases.add(image("PNG cut inside IHDR", 400, Arrays.copyOf(pngHeader(100, 100, new byte[0]), 20)));
        cases.add(image("PNG signature only", 400, Arrays.copyOf(pngHeader(100, 100, new byte[0]), 8)));
        cases.add(image("PNG signature and garbage", 400, concat(Arrays.copyOf(pngHeader(1, 1, new byte[0]), 8), "garbage".repeat(20).getBytes())));
        cases.add(image("PNG of 100x100 without IEND (truncated)", 400, pngHeader(100, 100, new byte[64])));
        cases.add(image("JPEG baseline declaring 65500x65500", 413, jpegHeader(0xC0, 65_500, 65_500)));
        cases.add(image("JPEG progressive declaring 65500x65500", 413, jpegHeader(0xC2, 65_500, 65_500)));
        cases.add(image("JPEG arithmetic declaring 20000x20000", 413, jpegHeader(0xC9, 20_000, 20_000)));
        cases.add(image("JPEG declaring 12000x100 (over 10000 on a side)", 413, jpegHeader(0xC0, 12_000, 100)));
        cases.add(image("JPEG with height 0 (DNL)", 400, jpegHeader(0xC0, 100, 0)));
        cases.add(image("JPEG SOI then EOI", 400, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}));
        cases.add(image("JPEG SOI only", 400, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        cases.add(image("JPEG scan before any frame", 400, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2, 1, 2, 3}));
        cases.add(image("JPEG segment length 1", 400, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 1, 0, 0}));
        cases.add(image("JPEG segment longer than the file", 400, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, (byte) 0xFF, (byte) 0xFF, 0}));
        cases.add(image("JPEG magic and garbage", 400, concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, "garbage".repeat(20).getBytes())));
        cases.add(image("real JPEG cut in half", 400, Arrays.copyOf(face, face.length / 2)));
        cases.add(image("real JPEG cut after its headers", 400, Arrays.copyOf(face, 700)));
        cases.add(image("GIF", 400, "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;".getBytes(StandardCharsets.ISO_8859_1)));
        cases.add(image("BMP", 400, concat("BM".getBytes(), new byte[60])));
        cases.add(image("WebP", 400, concat("RIFF\u0000\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), new byte[40])));
        cases.add(image("TIFF", 400, concat(new byte[] {'I', 'I', 42, 0}, new byte[40])));
        cases.add(image("SVG", 400, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"99999\" height=\"99999\"/>".getBytes()));
        cases.add(image("zero-size file", 400, new byte[0]));
        cases.add(image("text named .jpg", 400, "not an image at all".getBytes()));
        cases.add(image("gzip of zeros named .png", 400, gzipOfZeros()));
        cases.add(image("photo over max-image-size (11 MB)", 413, concat(face, new byte[11 * 1024 * 1024])));
        Faces.Part[] eleven = new Faces.Part[12];
        eleven[0] = Faces.Part.text("name", "Eleven");
        for (int i = 1; i < 12; i++) eleven[i] = Faces.Part.image("f" + i + ".jpg", face);
        cases.add(new Case("11 photos in one request", 400, multipart(FACES, eleven), null));
        cases.add(new Case("no photo", 400, multipart(FACES, Faces.Part.text("name", "Nobody")), null));
        cases.add(new Case("no name", 400, multipart(FACES, Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("name of 129 characters", 400, multipart(FACES, Faces.Part.text("name", "n".repeat(129)), Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("name with a control character", 400, multipart(FACES, Faces.Part.text("name", "a\u0007b"), Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("unknown form field", 400, multipart(FACES, Faces.Part.text("name", "x"), Faces.Part.text("admin", "1"),
                Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("JSON body on enroll", 415, withKey(FACES).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"name\":\"x\"}")), null));
        cases.add(new Case("bomb to an unknown person", 404, multipart(FACES + "/999999/images",
                Faces.Part.image("bomb.png", pngHeader(30_000, 30_000, new byte[64]))), null));
        cases.add(new Case("photo to person 'abc'", 404, multipart(FACES + "/abc/images", Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("bomb to the enrolled person", 413, multipartLater("/images", Faces.Part.image("bomb.png",
                pngHeader(30_000, 30_000, new byte[64]))), null));

        // limits: people, photos per person, cameras
        cases.add(new Case("a second person (max-people 1)", 409, multipart(FACES, Faces.Part.text("name", "Second"),
                Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("a third photo of the person (max-images-per-person 2)", 409, multipartLater("/images",
                Faces.Part.image("a.jpg", face)), null));
        cases.add(new Case("a camera over max-cameras", 409, addRequest(json("camera_id", "over-limit", "rtsp_url", UNREACHABLE)),
                HostileInputIT::fillCameraLimit));
        return cases.stream();
    }

    // ---------------------------------------------------------------- bombs in time and memory

    @Test
    @Order(3)
    void aRealPngBombIsRefusedInMillisecondsWithoutMemoryGrowth() {
        byte[] bomb = pngBomb(30_000, 30_000);
        assertThat(bomb.length).as("a ~1 MB file decoding to 900 MB").isLessThan(2 * 1024 * 1024);
        long rssBefore = app.rssKb();
        for (String path : new String[] {FACES, FACES + "/" + personId + "/images"}) {
            HttpRequest request = (path.equals(FACES) ? multipart(path, Faces.Part.text("name", "Bomb"), Faces.Part.image("bomb.png", bomb))
                    : multipart(path, Faces.Part.image("bomb.png", bomb))).build();
            api.send(request); // warm-up: the first multipart request loads classes
            long start = System.nanoTime();
            Api.Response r = api.send(request);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            assertJsonError(r);
            assertThat(r.json().path("message").asText()).contains("30000x30000");
            assertThat(millis).as("answer time in ms (a full decode took 8 s)").isLessThan(1000);
        }
        long growthMb = (app.rssKb() - rssBefore) / 1024;
        assertThat(growthMb).as("RSS growth in MB").isLessThan(50);
    }

    // ---------------------------------------------------------------- configured cameras

    @Test
    @Order(4)
    void aBadConfiguredCameraStopsTheStartNamingTheEntry() throws Exception {
        // two starts (each takes most of a minute here); every rule is in ConfiguredCamerasTest
        String[][] configs = {
            {"-Dlenswire.cameras[0].id=ok", "-Dlenswire.cameras[0].url=demo:", "-Dlenswire.cameras[1].id=bad?size=1&x=y",
                "-Dlenswire.cameras[1].url=demo:"},
            {"-Dlenswire.cameras[0].id=meta", "-Dlenswire.cameras[0].url=rtsp://admin:hunter2@169.254.169.254/x&timeout=1"},
        };
        String[] entries = {"lenswire.cameras[1] (id 'bad?size=1&x=y'): id must be", "lenswire.cameras[0] (id 'meta'): url names a link-local"};
        for (int i = 0; i < configs.length; i++) {
            Started run = startExpectingExit("badconfig" + i, configs[i]);
            assertThat(run.exitCode()).as("exit code of %s", List.of(configs[i])).isNotZero();
            assertThat(run.log()).as("log of %s", List.of(configs[i])).contains("Invalid camera configuration " + entries[i])
                    .doesNotContain("NullPointerException").doesNotContain("hunter2");
        }
    }

    record Started(int exitCode, String log) {
    }

    /** The jar with these -D flags; it must exit by itself within 120 s (killed otherwise, failing the test). */
    private static Started startExpectingExit(String name, String... jvmArgs) throws Exception {
        Path dataDir = TestPaths.scratch("lenswire-it-" + name + "-");
        Path log = TestPaths.target().resolve("lenswire-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", TestPaths.jar().toString(), "--server.port=0", "--lenswire.data-dir=" + dataDir,
                "--lenswire.security.api-keys[0]=" + LenswireProcess.API_KEY));
        Process p = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("Lenswire did not exit with a bad camera configuration; see " + log);
            }
            return new Started(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- finally

    @Test
    @Order(5)
    void serverStillServesAndNothingWasAdded() {
        assertThat(api.get(STATUS).status()).isEqualTo(200);
        assertThat(cameraIds()).doesNotContain("over-limit").allMatch(id -> Set.of("demo", "taken", "filler").contains(id));
        JsonNode people = api.get(FACES).json().path("persons");
        assertThat(people).hasSize(1);
        assertThat(people.get(0).path("images")).hasSize(2);
        assertThat(app.log()).doesNotContain("OutOfMemoryError").doesNotContain("unexpected error in route")
                .doesNotContain("at io.lenswire.").doesNotContainPattern(" ERROR \\d+ --- .*io\\.lenswire");
        // last_error is one message for every connect failure: the API is no port scanner; the log has the detail
        assertThat(api.camera("taken").orElseThrow().path("last_error").asText()).isEqualTo("could not connect to the camera");
        assertThat(app.log()).contains("camera taken: could not open the stream: Connection refused");
        assertThat(api.get(STATUS).body()).doesNotContain("refused");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertJsonError(Api.Response r) {
        assertThat(r.contentType().split(";")[0].strip()).as("Content-Type of %s", r.body()).isEqualToIgnoringCase("application/json");
        JsonNode body = r.json();
        assertThat(body.isObject()).as("a JSON object: %s", r.body()).isTrue();
        assertThat(body.path("success").isBoolean() && !body.path("success").booleanValue()).as("success:false in %s", r.body()).isTrue();
        assertThat(body.path("error").asText()).as("error in %s", r.body()).isNotBlank();
        assertThat(body.path("message").asText()).as("message in %s", r.body()).isNotBlank();
    }

    /** The cameras and the people with their photo counts: what a refused request must leave alone. */
    private static String state() {
        StringBuilder s = new StringBuilder(cameraIds().toString());
        for (JsonNode p : api.get(FACES).json().path("persons")) {
            s.append(' ').append(p.path("id").asLong()).append(':').append(p.path("images").size());
        }
        return s.toString();
    }

    private static Set<String> cameraIds() {
        Set<String> ids = new TreeSet<>();
        Api.Response r = api.get(STATUS);
        assertThat(r.status()).isEqualTo(200);
        r.json().path("cameras").forEach(c -> ids.add(c.path("camera_id").asText()));
        return ids;
    }

    private static void ensureTakenExists(Api api) {
        if (api.camera("taken").isEmpty()) {
            assertThat(api.addCamera("taken", UNREACHABLE).status()).isEqualTo(201);
        }
    }

    /** demo + taken + filler = max-cameras. */
    private static void fillCameraLimit(Api api) {
        ensureTakenExists(api);
        if (api.camera("filler").isEmpty()) {
            Api.Response r = api.addCamera("filler", UNREACHABLE);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
    }

    private static Case camera(String name, int status, String url) {
        return cameraBody(name, status, json("camera_id", "hostile", "rtsp_url", url));
    }

    private static Case cameraBody(String name, int status, String body) {
        return new Case(name, status, addRequest(body), null);
    }

    private static Case image(String name, int status, byte[] data) {
        return new Case("photo: " + name, status, multipart(FACES, Faces.Part.text("name", "Hostile"), Faces.Part.image("upload.img", data)), null);
    }

    private static HttpRequest.Builder addRequest(String body) {
        return withKey(ADD).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder withKey(String path) {
        return api.request(path).header("X-API-Key", LenswireProcess.API_KEY);
    }

    /** A request to the enrolled person's path (the table is made after the ordered set-up test ran). */
    private static HttpRequest.Builder multipartLater(String suffix, Faces.Part... parts) {
        assertThat(personId).as("the set-up test enrolled a person").isPositive();
        return multipart(FACES + "/" + personId + suffix, parts);
    }

    static HttpRequest.Builder multipart(String path, Faces.Part... parts) {
        String boundary = "----hostile" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Faces.Part p : parts) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.field() + "\""
                        + (p.fileName() == null ? "" : "; filename=\"" + p.fileName() + "\"") + "\r\n"
                        + (p.contentType() == null ? "" : "Content-Type: " + p.contentType() + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
                body.write(p.data());
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withKey(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body.toByteArray()));
    }

    private static String json(String... pairs) {
        ObjectNode node = Api.JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node.toString();
    }

    private static byte[] photo(String name) {
        try {
            return Files.readAllBytes(Faces.photo(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** PNG signature + IHDR (8-bit grayscale, correct CRC) + {@code rest}; no IEND unless in rest. */
    static byte[] pngHeader(long width, long height, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + rest.length);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt((int) width).putInt((int) height).put(new byte[] {8, 0, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        b.put(rest);
        return b.array();
    }

    private static byte[] withChunkType(byte[] png, String type) {
        byte[] copy = png.clone();
        for (int k = 0; k < 4; k++) copy[12 + k] = (byte) type.charAt(k);
        return copy;
    }

    /** A complete, valid 8-bit grayscale PNG of zeros: ~1 MB on disk for 30000x30000. */
    static byte[] pngBomb(int width, int height) {
        Deflater deflater = new Deflater(9);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[width + 1]; // filter byte 0 + pixels
        byte[] out = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                int n = deflater.deflate(out);
                idat.write(out, 0, n);
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(out);
            idat.write(out, 0, n);
        }
        deflater.end();
        byte[] data = idat.toByteArray();
        ByteBuffer chunks = ByteBuffer.allocate(12 + data.length + 12);
        chunks.putInt(data.length).put(new byte[] {'I', 'D', 'A', 'T'}).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunks.array(), 4, 4 + data.length);
        chunks.putInt((int) crc.getValue());
        chunks.putInt(0).put(new byte[] {'I', 'E', 'N', 'D'}).putInt(0xAE426082);
        return pngHeader(width, height, chunks.array());
    }

    /** SOI + a frame header of this SOF type and dimensions (1 component), then EOI. */
    static byte[] jpegHeader(int sof, int width, int height) {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) sof, 0x00, 0x0B, 0x08, (byte) (height >> 8), (byte) height,
            (byte) (width >> 8), (byte) width, 0x01, 0x01, 0x11, 0x00, (byte) 0xFF, (byte) 0xD9};
    }

    private static byte[] gzipOfZeros() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(new byte[1 << 20]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
