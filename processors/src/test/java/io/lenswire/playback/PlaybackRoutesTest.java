package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraService;
import io.lenswire.testing.ScratchDirs;

/**
 * The playback routes through the real HTTP stack (Tomcat, platform-http, routes/*.yaml), with the
 * camera service mocked so that no camera is started. A test-only route puts {@link HlsAccess} behind
 * platform-http, as the HLS routes do, to prove how tokens are read from a real request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlaybackRoutesTest {

    private static final String KEY = "routes-test-key";
    private static final String ORIGIN = "https://viewer.example";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("lenswire.data-dir", () -> tempDir());
        registry.add("lenswire.security.api-keys[0]", () -> KEY);
        registry.add("lenswire.playback.jwt-secrets[0]", () -> "a test secret of at least thirty-two bytes");
        registry.add("lenswire.playback.cors-allowed-origins[0]", () -> ORIGIN);
    }

    private static String tempDir() {
        return ScratchDirs.create("lenswire-playback-routes").toString();
    }

    @TestConfiguration
    static class ProbeRoute {
        @Bean
        RouteBuilder hlsAccessProbe(HlsAccess access) {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/test-only/hls-access/{session_id}?httpMethodRestrict=GET")
                            .routeId("test-hls-access-probe")
                            .routeConfigurationId("api-errors")
                            .bean(access, "authorize")
                            .process(e -> {
                                Map<String, Object> body = new LinkedHashMap<>();
                                body.put("success", true);
                                body.put("session_id", e.getProperty(HlsAccess.SESSION_PROPERTY, Session.class).id());
                                body.put("query_token", access.tokenQueryFor(e));
                                e.getMessage().setBody(body);
                            })
                            .to("bean:apiResponses?method=render");
                }
            };
        }
    }

    @MockitoBean
    CameraService cameras;

    @Autowired
    PlaybackSessions sessions;

    @LocalServerPort
    int port;

    @BeforeEach
    void cameras() {
        when(cameras.find(anyString())).thenReturn(Optional.empty());
        when(cameras.find("demo")).thenReturn(Optional.of(new Camera("demo", "Demo", "demo:", false, Camera.Origin.CONFIG)));
        when(cameras.all()).thenReturn(List.of());
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode createSession() throws Exception {
        HttpResponse<String> r = send("POST", "/api/stream/playback/create-session", "{\"camera_id\":\"demo\",\"user_id\":\"alice\"}",
                "X-API-Key", KEY, "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void sessionLifecycleOverHttp() throws Exception {
        JsonNode created = createSession();
        String id = created.get("session_id").asText();
        String token = created.get("token").asText();
        assertThat(created.get("hls_url").asText()).isEqualTo("/api/stream/hls/" + id + "/playlist.m3u8?token=" + token);

        HttpResponse<String> start = send("POST", "/api/stream/playback/" + id + "/start", null, "Authorization", "Bearer " + token);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        assertThat(JSON.readTree(start.body()).get("state").asText()).isEqualTo("PLAYING");
        assertThat(send("POST", "/api/stream/playback/" + id + "/start", null).statusCode()).isEqualTo(401);

        HttpResponse<String> refresh = send("POST", "/api/stream/playback/" + id + "/refresh", null, "X-API-Key", KEY);
        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        String refreshed = JSON.readTree(refresh.body()).get("token").asText();
        assertThat(refreshed).isNotEqualTo(token);

        HttpResponse<String> list = send("GET", "/api/stream/playback/sessions", null, "X-API-Key", KEY);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(id).doesNotContain(token).doesNotContain(refreshed);
        assertThat(send("GET", "/api/stream/playback/sessions", null).statusCode()).isEqualTo(401);

        HttpResponse<String> delete = send("DELETE", "/api/stream/playback/" + id, null, "Authorization", "Bearer " + refreshed);
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(200);
        assertThat(sessions.find(id)).isEmpty();
        HttpResponse<String> after = send("GET", "/test-only/hls-access/" + id + "?token=" + refreshed, null);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.body()).doesNotContain(refreshed);
    }

    @Test
    void oddSessionIdsAreNotFound() throws Exception {
        for (String id : List.of("x", "AAAAAAAAAAAAAAAAAAAAAAA", "a.b", "%2e%2e", "AAAAAAAAAAAAAAAAAAAAAA")) {
            HttpResponse<String> r = send("DELETE", "/api/stream/playback/" + id, null, "X-API-Key", KEY);
            assertThat(r.statusCode()).as(id).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }

    @Test
    void queryTokenIsReadFromTheRealQueryStringOnly() throws Exception {
        JsonNode created = createSession();
        String id = created.get("session_id").asText();
        String token = created.get("token").asText();
        String probe = "/test-only/hls-access/" + id;

        HttpResponse<String> viaQuery = send("GET", probe + "?token=" + token, null);
        assertThat(viaQuery.statusCode()).as(viaQuery.body()).isEqualTo(200);
        assertThat(JSON.readTree(viaQuery.body()).get("query_token").asText()).isEqualTo(token);

        HttpResponse<String> viaHeader = send("GET", probe, null, "Authorization", "Bearer " + token);
        assertThat(viaHeader.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(viaHeader.body()).get("query_token").isNull()).isTrue();

        assertThat(send("GET", probe, null, "token", token).statusCode()).as("an HTTP header named token is not the query").isEqualTo(401);
        assertThat(send("GET", probe, null, "CamelHttpQuery", "token=" + token).statusCode()).as("Camel headers cannot be sent in").isEqualTo(401);
        assertThat(send("GET", probe + "?x=1", null, "CamelHttpQuery", "token=" + token).statusCode()).isEqualTo(401);

        HttpResponse<String> garbage = send("GET", probe + "?token=not.a.jwt-garbage", null);
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body()).doesNotContain("not.a.jwt-garbage").contains("\"success\":false");

        HttpResponse<String> differ = send("GET", probe + "?token=" + token, null, "Authorization", "Bearer x" + token);
        assertThat(differ.statusCode()).isEqualTo(401);
        assertThat(differ.body()).doesNotContain(token);

        HttpResponse<String> spoofedPath = send("GET", probe + "?token=" + token + "&session_id=" + SessionIds.next(), null);
        assertThat(spoofedPath.statusCode()).as("the path, not the query, names the session").isEqualTo(200);
    }

    @Test
    void corsOnlyForAllowedOriginsAndTokenEndpoints() throws Exception {
        JsonNode created = createSession();
        String id = created.get("session_id").asText();

        HttpResponse<String> preflight = send("OPTIONS", "/api/stream/playback/" + id + "/refresh", null,
                "Origin", ORIGIN, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");

        HttpResponse<String> start = send("POST", "/api/stream/playback/" + id + "/start", null,
                "Origin", ORIGIN, "Authorization", "Bearer " + created.get("token").asText());
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);

        HttpResponse<String> otherOrigin = send("POST", "/api/stream/playback/" + id + "/start", null,
                "Origin", "https://elsewhere.example", "X-API-Key", KEY);
        assertThat(otherOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> apiKeyEndpoint = send("GET", "/api/stream/playback/sessions", null, "Origin", ORIGIN, "X-API-Key", KEY);
        assertThat(apiKeyEndpoint.statusCode()).isEqualTo(200);
        assertThat(apiKeyEndpoint.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
