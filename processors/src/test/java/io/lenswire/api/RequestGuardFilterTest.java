package io.lenswire.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ReadListener;
import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.config.LenswireProperties;

/**
 * The guard as the container calls it: raw URI as sent, servlet path as Tomcat decoded and
 * normalized it. Every refusal is a JSON error and never reaches the chain (the routes).
 */
class RequestGuardFilterTest {

    private static final String KEY = "guard-test-key";
    /** Shared by every filter the tests make, and removed after them. */
    @TempDir
    static Path dataDir;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "AAAAAAAAAAAAAAAAAAAAAA";

    private final RequestGuardFilter guard = filter(false);

    private static RequestGuardFilter filter(boolean publicActuator) {
        LenswireProperties properties = new LenswireProperties();
        properties.setDataDir(dataDir);
        properties.getSecurity().setApiKeys(List.of(KEY));
        HttpGuardProperties http = new HttpGuardProperties();
        http.setPublicActuator(publicActuator);
        try {
            return new RequestGuardFilter(JSON, new ApiKeys(properties), http, DataSize.ofMegabytes(64));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request as Tomcat hands it to filters: the raw URI and the routed (decoded, normalized) path. */
    private static MockHttpServletRequest request(String method, String rawUri, String routedPath) {
        MockHttpServletRequest r = new MockHttpServletRequest(method, rawUri);
        r.setServletPath(routedPath);
        return r;
    }

    private record Outcome(MockHttpServletResponse response, MockFilterChain chain) {
        boolean passed() {
            return chain.getRequest() != null;
        }

        JsonNode body() throws IOException {
            return JSON.readTree(response.getContentAsString());
        }

        HttpServletRequest forwarded() {
            return (HttpServletRequest) chain.getRequest();
        }
    }

    private Outcome run(RequestGuardFilter filter, MockHttpServletRequest request) throws ServletException, IOException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(response, chain);
    }

    private Outcome run(MockHttpServletRequest request) throws ServletException, IOException {
        return run(guard, request);
    }

    private static void assertRefused(Outcome o, int status) throws IOException {
        assertThat(o.passed()).as("reached the routes").isFalse();
        assertThat(o.response().getStatus()).isEqualTo(status);
        assertThat(o.response().getContentType()).startsWith("application/json");
        assertThat(o.body().path("success").asBoolean(true)).isFalse();
        assertThat(o.body().path("error").asText()).isNotBlank();
        assertThat(o.body().path("message").asText()).isNotBlank();
    }

    // ---------------------------------------------------------------- item 1: the bypass

    @ParameterizedTest
    @CsvSource({
            "/%61pi/stream/playback/create-session, /api/stream/playback/create-session",
            "//api/stream/playback/create-session, /api/stream/playback/create-session",
            "/api//stream/playback/create-session, /api/stream/playback/create-session",
            "/./api/stream/playback/create-session, /api/stream/playback/create-session",
            "/api/stream/hls/../playback/create-session, /api/stream/playback/create-session",
            "/API/stream/playback/create-session, /API/stream/playback/create-session",
            "/Api./stream/playback/create-session, /Api./stream/playback/create-session",
            "/api/stream/%68ealth, /api/stream/health",
            "/api/stream/health/, /api/stream/health/"
    })
    void everySpellingOfAnApiPathNeedsTheKeyBeforeItsBodyIsLookedAt(String raw, String routed) throws Exception {
        MockHttpServletRequest r = request("POST", raw, routed);
        r.setContentType("application/json");
        r.addHeader("Content-Encoding", "gzip");
        r.setContent(new byte[] {31, -117, 8, 0});
        Outcome o = run(r);
        assertRefused(o, 401);
    }

    @ParameterizedTest
    @CsvSource({
            "/api;x/stream/playback/create-session, /api/stream/playback/create-session",
            "/api/stream;jsessionid=1/cameras/status, /api/stream/cameras/status",
            "/api/stream/cameras/status;, /api/stream/cameras/status",
            "/api/stream/cameras/a%2Fb, /api/stream/cameras/a/b",
            "/api/stream/cameras/a%2fb, /api/stream/cameras/a/b",
            "/api/stream/cameras/a%5Cb, /api/stream/cameras/a\\b",
            "/actuator;x/prometheus, /actuator/prometheus"
    })
    void pathParametersAndEncodedSlashesAreRefusedEvenWithTheKey(String raw, String routed) throws Exception {
        MockHttpServletRequest r = request("GET", raw, routed);
        r.addHeader("X-API-Key", KEY);
        assertRefused(run(r), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/stream/health", "/api/openapi.yaml", "/api/stream/hls/" + SESSION + "/playlist.m3u8",
            "/api/stream/hls/" + SESSION + "/init.mp4", "/api/stream/playback/" + SESSION + "/start",
            "/api/stream/playback/" + SESSION + "/refresh", "/api/stream/playback/" + SESSION, "/player.html", "/demo/face.jpg",
            "/actuator/health"})
    void publicPathsPassWithoutTheKey(String path) throws Exception {
        Outcome o = run(request("GET", path, path));
        assertThat(o.passed()).as(o.response().getContentAsString()).isTrue();
        assertThat(o.forwarded().getUserPrincipal()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/stream/cameras/status", "/api/stream/playback/sessions", "/api/stream/playback/create-session",
            "/api/faces", "/api/events", "/api/events/stream", "/api/webhooks", "/api/stream/analytics/stats", "/api/no-such-path",
            "/api", "/actuator/prometheus", "/actuator", "/actuator/info", "/actuator/health/db"})
    void everyOtherApiAndActuatorPathNeedsTheKey(String path) throws Exception {
        assertRefused(run(request("GET", path, path)), 401);
        MockHttpServletRequest wrong = request("GET", path, path);
        wrong.addHeader("X-API-Key", KEY + "x");
        assertRefused(run(wrong), 401);
        MockHttpServletRequest right = request("GET", path, path);
        right.addHeader("X-API-Key", KEY);
        Outcome o = run(right);
        assertThat(o.passed()).isTrue();
        assertThat(o.forwarded().getUserPrincipal()).as("the key holder may see health detail").isNotNull();
    }

    // ---------------------------------------------------------------- item 4: credentials only where they belong

    @ParameterizedTest
    @ValueSource(strings = {"X-API-Key=" + KEY, "x-api-key=" + KEY, "X-Api-Key=" + KEY + "&a=b", "a=b&Authorization=Bearer%20x",
            "authorization=x", "X%2DAPI%2DKey=" + KEY})
    void credentialsInTheQueryAreRefused(String query) throws Exception {
        for (String path : List.of("/api/stream/cameras/status", "/api/stream/playback/" + SESSION + "/start",
                "/api/stream/hls/" + SESSION + "/playlist.m3u8", "/actuator/prometheus")) {
            MockHttpServletRequest r = request("GET", path, path);
            r.setQueryString(query);
            assertRefused(run(r), 401);
        }
    }

    @Test
    void aQueryTokenIsACredentialOnHlsPathsOnly() throws Exception {
        for (String path : List.of("/api/stream/playback/" + SESSION + "/start", "/api/stream/playback/" + SESSION + "/refresh",
                "/api/stream/playback/" + SESSION, "/api/stream/cameras/status")) {
            MockHttpServletRequest r = request("POST", path, path);
            r.setQueryString("token=abc");
            assertRefused(run(r), 401);
        }
        String hls = "/api/stream/hls/" + SESSION + "/playlist.m3u8";
        MockHttpServletRequest r = request("GET", hls, hls);
        r.setQueryString("token=abc");
        assertThat(run(r).passed()).isTrue();
    }

    @Test
    void repeatedOrListValuedAuthHeadersAreRefused() throws Exception {
        String status = "/api/stream/cameras/status";
        MockHttpServletRequest twice = request("GET", status, status);
        twice.addHeader("X-API-Key", KEY);
        twice.addHeader("X-API-Key", KEY);
        assertRefused(run(twice), 401);
        MockHttpServletRequest list = request("GET", status, status);
        list.addHeader("X-API-Key", KEY + ", other");
        assertRefused(run(list), 401);
        String hls = "/api/stream/hls/" + SESSION + "/playlist.m3u8";
        MockHttpServletRequest bearers = request("GET", hls, hls);
        bearers.addHeader("Authorization", "Bearer a");
        bearers.addHeader("Authorization", "Bearer b");
        assertRefused(run(bearers), 401);
        MockHttpServletRequest bearerList = request("GET", hls, hls);
        bearerList.addHeader("Authorization", "Bearer a, Bearer b");
        assertRefused(run(bearerList), 401);
    }

    // ---------------------------------------------------------------- item 2: no upload is read before the key

    @Test
    void aKeylessUploadIsRefusedWithoutReadingItsBody() throws Exception {
        for (String path : List.of("/api/faces", "/api/faces/1/images")) {
            AtomicBoolean read = new AtomicBoolean();
            MockHttpServletRequest r = new MockHttpServletRequest("POST", path) {
                @Override
                public ServletInputStream getInputStream() {
                    read.set(true);
                    return new ServletInputStream() {
                        @Override public boolean isFinished() { return true; }
                        @Override public boolean isReady() { return true; }
                        @Override public void setReadListener(ReadListener l) { }
                        @Override public int read() { return -1; }
                    };
                }
            };
            r.setServletPath(path);
            r.setContentType("multipart/form-data; boundary=x");
            r.setContent("--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nA\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII));
            Outcome o = run(r);
            assertRefused(o, 401);
            assertThat(read).as("body read before the key was checked").isFalse();
            assertThat(r.getParts()).as("parts parsed before the key was checked").isEmpty();
        }
    }

    // ---------------------------------------------------------------- item 8: actuator

    @Test
    void withPublicActuatorEveryActuatorEndpointIsOpenAndShowsDetail() throws Exception {
        RequestGuardFilter open = filter(true);
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/health/db")) {
            Outcome o = run(open, request("GET", path, path));
            assertThat(o.passed()).as(path).isTrue();
            assertThat(o.forwarded().getUserPrincipal()).as(path).isNotNull();
        }
        assertRefused(run(open, request("GET", "/api/stream/cameras/status", "/api/stream/cameras/status")), 401);
    }

    // ---------------------------------------------------------------- item 5: Referrer-Policy

    @Test
    void everyAnswerSaysNoReferrer() throws Exception {
        for (String path : List.of("/player.html", "/api/stream/hls/" + SESSION + "/playlist.m3u8", "/api/stream/cameras/status")) {
            Outcome o = run(request("GET", path, path));
            assertThat(o.response().getHeader("Referrer-Policy")).as(path).isEqualTo("no-referrer");
        }
    }
}
