package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiKeys;
import io.lenswire.api.ApiResponses;
import io.lenswire.api.JsonRequests;
import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraService;

class PlaybackApiTest {

    private static final String KEY = "test-api-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlaybackFixture f;
    private PlaybackApi api;

    @BeforeEach
    void setUp() throws Exception {
        f = new PlaybackFixture(5);
        f.properties.getSecurity().setApiKeys(List.of(KEY));
        CameraService cameras = mock(CameraService.class);
        when(cameras.find(anyString())).thenReturn(Optional.empty());
        when(cameras.find("demo")).thenReturn(Optional.of(new Camera("demo", "Demo", "demo:", false, Camera.Origin.CONFIG)));
        api = new PlaybackApi(cameras, f.sessions, f.tokens, f.check, new ApiKeys(f.properties), new JsonRequests(JSON), f.properties);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static Exchange post(String contentType, String body) {
        Exchange exchange = PlaybackFixture.request(null, null, null);
        if (contentType != null) {
            exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        exchange.getIn().setBody(body.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private Map<String, Object> create(String cameraId, String userId) {
        Exchange exchange = post("application/json", "{\"camera_id\":\"" + cameraId + "\",\"user_id\":\"" + userId + "\"}");
        api.createSession(exchange);
        assertThat(exchange.getProperty(ApiResponses.STATUS)).isEqualTo(201);
        return body(exchange);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Exchange exchange) {
        return exchange.getMessage().getBody(Map.class);
    }

    private static Exchange onSession(String sessionId, String apiKey, String bearer) {
        Exchange exchange = PlaybackFixture.request(sessionId, bearer == null ? null : "Bearer " + bearer, null);
        if (apiKey != null) {
            exchange.getIn().setHeader(ApiKeys.HEADER, apiKey);
        }
        return exchange;
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(status));
    }

    @Test
    void createSessionAnswersWithTokenUrlAndExpiry() {
        Map<String, Object> body = create("demo", "alice");
        assertThat(body).containsOnlyKeys("success", "session_id", "token", "hls_url", "expires_at");
        String id = (String) body.get("session_id");
        String token = (String) body.get("token");
        assertThat(body.get("success")).isEqualTo(true);
        assertThat(body.get("hls_url")).isEqualTo("/api/stream/hls/" + id + "/playlist.m3u8?token=" + token);
        assertThat(Instant.parse((String) body.get("expires_at"))).isEqualTo(PlaybackFixture.START.plus(Duration.ofMinutes(30)));
        assertThat((String) body.get("expires_at")).endsWith("Z");
        PlaybackClaims claims = f.tokens.verify(token).claims();
        assertThat(claims.sessionId()).isEqualTo(id);
        assertThat(claims.cameraId()).isEqualTo("demo");
        assertThat(claims.userId()).isEqualTo("alice");
        assertThat(f.sessions.find(id).orElseThrow().state()).isEqualTo(Session.State.CREATED);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "text/plain       | {\"camera_id\":\"demo\",\"user_id\":\"a\"}                 | 415 | application/json",
        "application/json | ''                                                         | 400 | empty",
        "application/json | '{'                                                        | 400 | not valid JSON",
        "application/json | []                                                         | 400 | JSON object",
        "application/json | {}                                                         | 400 | camera_id is required",
        "application/json | {\"camera_id\":\"demo\"}                                   | 400 | user_id is required",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"\"}                  | 400 | user_id is required",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":null}                  | 400 | user_id is required",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":5}                     | 400 | user_id must be a string",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"   \"}               | 400 | must not be blank",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"a\\u0007b\"}         | 400 | printable",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"a\\nb\"}             | 400 | printable",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"admin\\u202etxt\"}   | 400 | printable",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"a\\u200bb\"}         | 400 | printable",
        "application/json | {\"camera_id\":\"../x\",\"user_id\":\"a\"}                 | 400 | camera_id must be",
        "application/json | {\"camera_id\":7,\"user_id\":\"a\"}                        | 400 | camera_id must be a string",
        "application/json | {\"camera_id\":\"demo\",\"user_id\":\"a\",\"role\":\"x\"}  | 400 | Unknown field 'role'",
        "application/json | {\"camera_id\":\"nope\",\"user_id\":\"a\"}                 | 404 | No camera with camera_id 'nope'",
    })
    void createSessionRefusesBadRequests(String contentType, String json, int status, String message) {
        assertThatThrownBy(() -> api.createSession(post(contentType, json)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(message);
                });
        assertThat(f.sessions.live()).isEmpty();
    }

    @Test
    void userIdLengthIsCountedInCharactersUpTo128() {
        assertThat(create("demo", "u".repeat(128))).containsKey("token");
        assertThat(create("demo", "\uD83D\uDE00".repeat(128))).as("128 emoji, 256 UTF-16 units").containsKey("token");
        assertThat(create("demo", "Zoë Ødegaard (front desk)")).containsKey("token");
        assertStatus(() -> api.createSession(post("application/json", "{\"camera_id\":\"demo\",\"user_id\":\"" + "u".repeat(129) + "\"}")), 400);
    }

    @Test
    void bodyOverSixtyFourKilobytesIsRefused() {
        String big = "{\"camera_id\":\"demo\",\"user_id\":\"" + "u".repeat(70_000) + "\"}";
        assertStatus(() -> api.createSession(post("application/json", big)), 413);
    }

    @Test
    void fullServerAnswers429() {
        for (int i = 0; i < 5; i++) {
            create("demo", "u" + i);
        }
        assertThatThrownBy(() -> api.createSession(post("application/json", "{\"camera_id\":\"demo\",\"user_id\":\"x\"}")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.error()).isEqualTo("too_many_sessions");
                });
    }

    @Test
    void startTakesTheApiKeyOrTheSessionsOwnToken() {
        Map<String, Object> a = create("demo", "alice");
        Map<String, Object> b = create("demo", "bob");
        String id = (String) a.get("session_id");
        String token = (String) a.get("token");

        Exchange withToken = onSession(id, null, token);
        api.start(withToken);
        assertThat(body(withToken)).containsEntry("success", true).containsEntry("state", "PLAYING")
                .containsEntry("hls_url", "/api/stream/hls/" + id + "/playlist.m3u8?token=" + token);

        Exchange withKey = onSession(id, KEY, null);
        api.start(withKey);
        assertThat(body(withKey)).as("idempotent; no token to hand out for an API-key caller")
                .containsEntry("state", "PLAYING").containsEntry("hls_url", "/api/stream/hls/" + id + "/playlist.m3u8");
        assertThat(f.events).containsExactly("started " + id);

        assertStatus(() -> api.start(onSession(id, null, null)), 401);
        assertStatus(() -> api.start(onSession(id, "wrong-key", token)), 401);
        assertStatus(() -> api.start(onSession(id, null, "garbage")), 401);
        assertStatus(() -> api.start(onSession(id, null, (String) b.get("token"))), 403);
        assertStatus(() -> api.start(onSession("../../etc", KEY, null)), 404);
        assertStatus(() -> api.start(onSession(SessionIds.next(), KEY, null)), 404);
        Exchange queryOnly = PlaybackFixture.request(id, null, "token=" + token);
        assertStatus(() -> api.start(queryOnly), 401);
    }

    @Test
    void refreshExtendsTheSessionAndGivesANewToken() {
        Map<String, Object> created = create("demo", "alice");
        String id = (String) created.get("session_id");
        String first = (String) created.get("token");
        f.clock.advance(Duration.ofMinutes(20));

        Exchange exchange = onSession(id, null, first);
        api.refresh(exchange);
        Map<String, Object> body = body(exchange);
        String second = (String) body.get("token");
        assertThat(second).isNotEqualTo(first);
        assertThat(body.get("hls_url")).isEqualTo("/api/stream/hls/" + id + "/playlist.m3u8?token=" + second);
        Instant expiry = Instant.parse((String) body.get("expires_at"));
        assertThat(expiry).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(f.sessions.find(id).orElseThrow().expiresAt()).isEqualTo(expiry);

        f.clock.advance(Duration.ofMinutes(15)); // past the first token's expiry, within the second's
        assertThat(f.tokens.verify(first).outcome()).isEqualTo(TokenVerification.Outcome.EXPIRED);
        assertStatus(() -> api.refresh(onSession(id, null, first)), 401);
        Exchange hls = PlaybackFixture.request(id, "Bearer " + second, null);
        assertThat(f.access.authorize(hls).id()).isEqualTo(id);

        Exchange withKey = onSession(id, KEY, null);
        api.refresh(withKey);
        assertThat(body(withKey)).containsKeys("token", "expires_at");
    }

    @Test
    void deleteEndsTheSessionAndItsTokenStopsWorking() {
        Map<String, Object> created = create("demo", "alice");
        String id = (String) created.get("session_id");
        String token = (String) created.get("token");
        f.access.authorize(PlaybackFixture.request(id, null, "token=" + token));

        Exchange exchange = onSession(id, null, token);
        api.end(exchange);
        assertThat(body(exchange)).containsEntry("success", true).containsEntry("session_id", id);
        assertThat(f.events).containsExactly("started " + id, "ended " + id + " ENDED");

        assertStatus(() -> f.access.authorize(PlaybackFixture.request(id, null, "token=" + token)), 404);
        assertStatus(() -> api.end(onSession(id, KEY, null)), 404);
        assertStatus(() -> api.start(onSession(id, null, token)), 404);
        assertStatus(() -> api.refresh(onSession(id, null, token)), 404);
    }

    @Test
    void listShowsLiveSessionsAndNeverTokens() throws Exception {
        Map<String, Object> a = create("demo", "alice");
        Map<String, Object> b = create("demo", "bob");
        api.end(onSession((String) b.get("session_id"), KEY, null));

        Exchange exchange = PlaybackFixture.request(null, null, null);
        api.list(exchange);
        Map<String, Object> body = body(exchange);
        assertThat(body).containsEntry("success", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sessions = (List<Map<String, Object>>) body.get("sessions");
        assertThat(sessions).singleElement().satisfies(s -> {
            assertThat(s).containsOnlyKeys("session_id", "camera_id", "user_id", "state", "created_at", "expires_at");
            assertThat(s).containsEntry("session_id", a.get("session_id")).containsEntry("camera_id", "demo")
                    .containsEntry("user_id", "alice").containsEntry("state", "CREATED")
                    .containsEntry("created_at", "2030-01-01T12:00:00Z").containsEntry("expires_at", "2030-01-01T12:30:00Z");
        });
        String json = JSON.writeValueAsString(body);
        assertThat(json).doesNotContain((String) a.get("token")).doesNotContain("token");
    }
}
