package io.lenswire.playback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiKeys;
import io.lenswire.api.ApiResponses;
import io.lenswire.api.JsonRequests;
import io.lenswire.camera.CameraService;
import io.lenswire.config.LenswireProperties;

/**
 * The playback session endpoints under /api/stream/playback (routes/api-playback.yaml).
 *
 * <p>Auth: create-session and the session list need the API key (a backend calls them and hands
 * the token to its viewer). start, refresh and delete accept either the API key or the session's
 * own token as {@code Authorization: Bearer}, so a backend can manage any session and a viewer's
 * browser can keep its own session alive and end it, without ever holding the API key. Query
 * tokens are not accepted there: they are for players that cannot send headers, and land in logs.
 */
@Component("playbackApi")
public class PlaybackApi {

    public static final String SESSION_ID_HEADER = "session_id";

    private final CameraService cameras;
    private final PlaybackSessions sessions;
    private final PlaybackTokens tokens;
    private final SessionTokenCheck tokenCheck;
    private final ApiKeys apiKeys;
    private final JsonRequests requests;
    private final int maxSessions;

    public PlaybackApi(CameraService cameras, PlaybackSessions sessions, PlaybackTokens tokens, SessionTokenCheck tokenCheck,
                       ApiKeys apiKeys, JsonRequests requests, LenswireProperties properties) {
        this.cameras = cameras;
        this.sessions = sessions;
        this.tokens = tokens;
        this.tokenCheck = tokenCheck;
        this.apiKeys = apiKeys;
        this.requests = requests;
        this.maxSessions = properties.getPlayback().getMaxSessions();
    }

    /** POST create-session (after the API key check): 201 with the session's first token. */
    public void createSession(Exchange exchange) {
        CreateSessionRequest request = CreateSessionRequest.parse(requests.readObject(exchange));
        if (cameras.find(request.cameraId()).isEmpty()) {
            throw ApiException.notFound("No camera with camera_id '" + request.cameraId() + "'");
        }
        Session session = sessions.create(request.cameraId(), request.userId())
                .orElseThrow(() -> PlaybackErrors.tooManySessions(maxSessions));
        exchange.setProperty(ApiResponses.STATUS, 201);
        exchange.getMessage().setBody(withToken(session, tokens.mint(session)));
    }

    /** POST {session_id}/start: marks the session PLAYING; idempotent. */
    public void start(Exchange exchange) {
        Caller caller = authorize(exchange);
        Session session = sessions.start(caller.session().id()).orElseThrow(PlaybackErrors::noSession);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        // the caller's own token goes back in the URL; an API-key caller got its token at create-session
        body.put("hls_url", PlaybackUrls.playlist(session.id(), caller.bearerToken()));
        body.put("state", session.state().name());
        exchange.getMessage().setBody(body);
    }

    /**
     * POST {session_id}/refresh: extends the session by the token TTL (never past its maximum
     * lifetime) and returns a new token for it; the session's previous token stops working.
     */
    public void refresh(Exchange exchange) {
        Caller caller = authorize(exchange);
        // a token caller refreshes only while its token is still the session's (two refreshes with one token: one wins)
        String presented = caller.bearerToken() == null ? null : caller.session().tokenId();
        Session session = sessions.refresh(caller.session().id(), presented).orElseThrow(() ->
                sessions.find(caller.session().id()).isPresent() ? PlaybackErrors.replaced() : PlaybackErrors.noSession());
        exchange.getMessage().setBody(withToken(session, tokens.mint(session)));
    }

    /** DELETE {session_id}: ends the session; every token of it stops working. */
    public void end(Exchange exchange) {
        Caller caller = authorize(exchange);
        Session ended = sessions.end(caller.session().id()).orElseThrow(PlaybackErrors::noSession);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("session_id", ended.id());
        body.put("state", ended.state().name());
        exchange.getMessage().setBody(body);
    }

    /** GET sessions (after the API key check): live sessions, never their tokens. */
    public void list(Exchange exchange) {
        List<Map<String, Object>> list = sessions.live().stream().map(PlaybackApi::describe).toList();
        exchange.getMessage().setBody(Map.of("success", true, "sessions", list));
    }

    private Caller authorize(Exchange exchange) {
        String sessionId = exchange.getIn().getHeader(SESSION_ID_HEADER, String.class);
        if (!SessionIds.isWellFormed(sessionId)) {
            throw PlaybackErrors.noSession();
        }
        String apiKey = exchange.getIn().getHeader(ApiKeys.HEADER, String.class);
        if (apiKey != null && !apiKey.isEmpty()) {
            apiKeys.check(exchange);
            return new Caller(sessions.find(sessionId).orElseThrow(PlaybackErrors::noSession), null);
        }
        String bearer = PlaybackCredentials.bearer(exchange);
        if (bearer == null || bearer.isEmpty()) {
            throw PlaybackErrors.unauthorized("Send the API key in X-API-Key or the session's token as 'Authorization: Bearer <token>'");
        }
        return new Caller(tokenCheck.check(sessionId, bearer), bearer);
    }

    private static Map<String, Object> withToken(Session session, String token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("session_id", session.id());
        body.put("token", token);
        body.put("hls_url", PlaybackUrls.playlist(session.id(), token));
        body.put("expires_at", session.expiresAt().toString());
        return body;
    }

    private static Map<String, Object> describe(Session session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", session.id());
        m.put("camera_id", session.cameraId());
        m.put("user_id", session.userId());
        m.put("state", session.state().name());
        m.put("created_at", session.createdAt().toString());
        m.put("expires_at", session.expiresAt().toString());
        return m;
    }

    /** @param bearerToken the token the caller authenticated with; null for an API-key caller */
    private record Caller(Session session, String bearerToken) {
    }
}
