package io.lenswire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraService;
import io.lenswire.testing.ScratchDirs;

/**
 * {@link RequestGuardFilter} in the real HTTP stack (Tomcat's own path decoding and normalization,
 * Spring MVC, platform-http, routes/*.yaml), the camera service mocked so that no camera starts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // Prometheus, which Spring Boot's tests leave out otherwise
class HttpGuardRoutesTest {

    private static final String KEY = "http-guard-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path TOMCAT_DIR = tempDir("lenswire-guard-tomcat");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lenswire.data-dir", () -> tempDir("lenswire-guard-data").toString());
        registry.add("lenswire.security.api-keys[0]", () -> KEY);
        registry.add("lenswire.playback.jwt-secrets[0]", () -> "a test secret of at least thirty-two bytes");
        // the servlet temp dir (and so the multipart location) where this test can count its files
        registry.add("server.tomcat.basedir", TOMCAT_DIR::toString);
        registry.add("lenswire.analytics.enabled", () -> "false");
    }

    private static Path tempDir(String prefix) {
        return ScratchDirs.create(prefix);
    }

    @MockitoBean
    CameraService cameras;

    @LocalServerPort
    int port;

    @BeforeEach
    void cameras() {
        when(cameras.find(anyString())).thenReturn(Optional.empty());
        when(cameras.find("demo")).thenReturn(Optional.of(new Camera("demo", "Demo", "demo:", false, Camera.Origin.CONFIG)));
        when(cameras.all()).thenReturn(List.of());
    }

    private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isNotBlank();
    }

    @Test
    void spellingsOfTheApiThatReachTheRoutesNeedTheKey() throws Exception {
        byte[] gzip = {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (String path : List.of("/%61pi/stream/playback/create-session", "//api/stream/playback/create-session",
                "/api//stream/playback/create-session", "/api/stream/./playback/create-session")) {
            HttpResponse<String> r = send("POST", path, HttpRequest.BodyPublishers.ofByteArray(gzip),
                    "Content-Type", "application/json", "Content-Encoding", "gzip");
            assertJsonError(r, 401);
            // with the key the same spelling is the same route, and the body rules apply
            HttpResponse<String> keyed = send("POST", path, HttpRequest.BodyPublishers.ofByteArray(gzip),
                    "Content-Type", "application/json", "Content-Encoding", "gzip", "X-API-Key", KEY);
            assertJsonError(keyed, 415);
        }
        assertJsonError(send("POST", "/api;x/stream/playback/create-session", HttpRequest.BodyPublishers.ofString("{}"),
                "Content-Type", "application/json", "X-API-Key", KEY), 400);
        // reached today by the key's holder only: the canonical spelling with the key is the real route
        HttpResponse<String> status = send("GET", "/%61pi/stream/cameras/status", HttpRequest.BodyPublishers.noBody(), "X-API-Key", KEY);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    }

    @Test
    void aQueryKeyDoesNotAuthenticate() throws Exception {
        assertJsonError(send("GET", "/api/stream/cameras/status?X-API-Key=" + KEY, HttpRequest.BodyPublishers.noBody()), 401);
        assertJsonError(send("GET", "/api/stream/cameras/status", HttpRequest.BodyPublishers.noBody(),
                "X-API-Key", KEY, "X-API-Key", KEY), 401);
        assertThat(send("GET", "/api/stream/cameras/status", HttpRequest.BodyPublishers.noBody(), "X-API-Key", KEY).statusCode())
                .isEqualTo(200);
    }

    @Test
    void prometheusNeedsTheKeyAndHealthShowsDetailOnlyWithIt() throws Exception {
        assertJsonError(send("GET", "/actuator/prometheus", HttpRequest.BodyPublishers.noBody()), 401);
        HttpResponse<String> metrics = send("GET", "/actuator/prometheus", HttpRequest.BodyPublishers.noBody(), "X-API-Key", KEY);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_threads_live_threads");

        HttpResponse<String> plain = send("GET", "/actuator/health", HttpRequest.BodyPublishers.noBody());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(plain.body()).has("components")).as(plain.body()).isFalse();
        HttpResponse<String> detailed = send("GET", "/actuator/health", HttpRequest.BodyPublishers.noBody(), "X-API-Key", KEY);
        assertThat(JSON.readTree(detailed.body()).has("components")).as(detailed.body()).isTrue();
        assertThat(send("GET", "/player.html", HttpRequest.BodyPublishers.noBody()).headers().firstValue("Referrer-Policy"))
                .hasValue("no-referrer");
    }

    @Test
    void uploadsLeaveNoFileBehindRefusedOrParsed() throws Exception {
        long before = files();
        byte[] image = new byte[2 * 1024 * 1024]; // over file-size-threshold: written to disk while parsed
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> keyless = send("POST", "/api/faces", multipart(image), "Content-Type", "multipart/form-data; boundary=b");
            assertJsonError(keyless, 401);
            // parsed (the key is right), read by the faces API (which answers asynchronously: the parts
            // must outlive the filter's return), then refused because the person does not exist
            HttpResponse<String> unknownPerson = send("POST", "/api/faces/999999/images", multipart(image),
                    "Content-Type", "multipart/form-data; boundary=b", "X-API-Key", KEY);
            assertJsonError(unknownPerson, 404);
            HttpResponse<String> enroll = send("POST", "/api/faces", multipart(image),
                    "Content-Type", "multipart/form-data; boundary=b", "X-API-Key", KEY);
            assertThat(enroll.statusCode()).as(enroll.body()).isBetween(400, 503).isNotEqualTo(500);
        }
        // the last request's parts go when it ends, which is just after its answer reached us
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (files() != before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(files()).as("files under the servlet temp dir").isEqualTo(before);
    }

    private static HttpRequest.BodyPublisher multipart(byte[] image) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nSomeone\r\n".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes("--b\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(image);
        body.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
    }

    private static long files() throws IOException {
        try (Stream<Path> all = Files.walk(TOMCAT_DIR)) {
            return all.filter(Files::isRegularFile).count();
        }
    }
}
