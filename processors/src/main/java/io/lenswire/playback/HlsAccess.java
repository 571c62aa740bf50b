package io.lenswire.playback;

import java.util.Optional;

import io.lenswire.api.ApiException;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The gate of every HLS request ({@code /api/stream/hls/{session_id}/...}): the first step of the
 * playlist and segment routes, before any file is looked at.
 *
 * <p>Order of checks: the path's {@code session_id} is well-formed (else 404); the token, from
 * {@code Authorization: Bearer} or {@code ?token=} (both present and different: 401), is valid
 * (401); its {@code sid} is the path's session (403); the session is live (404); its {@code cam}
 * and {@code sub} are the session's (403). Then the request is recorded on the session, which
 * starts it (and fires {@link PlaybackSessionListener#sessionStarted}) on first use.
 * Refusals are {@link io.lenswire.api.ApiException}s whose messages never contain the token.
 */
@Component("hlsAccess")
public class HlsAccess {

    /** Path parameter of the HLS routes that names the session. */
    public static final String SESSION_ID_HEADER = "session_id";
    /** Exchange property: the authorized {@link Session} (also the return value of {@link #authorize}). */
    public static final String SESSION_PROPERTY = "LenswirePlaybackSession";
    private static final String QUERY_TOKEN_PROPERTY = "LenswirePlaybackQueryToken";

    private final SessionTokenCheck check;
    private final PlaybackSessions sessions;

    public HlsAccess(SessionTokenCheck check, PlaybackSessions sessions) {
        this.check = check;
        this.sessions = sessions;
    }

    /**
     * Authorizes the request or throws 401/403/404. Returns the session (after this request was
     * recorded) and sets it as exchange property {@link #SESSION_PROPERTY}; as a YAML
     * {@code - bean:} step the returned session also becomes the message body.
     */
    public Session authorize(Exchange exchange) {
        String sessionId = exchange.getIn().getHeader(SESSION_ID_HEADER, String.class);
        if (!SessionIds.isWellFormed(sessionId)) {
            throw PlaybackErrors.noSession();
        }
        String header = PlaybackCredentials.bearer(exchange);
        String query = PlaybackCredentials.query(exchange);
        if (header != null && query != null && !header.equals(query)) {
            throw PlaybackErrors.unauthorized("The Authorization header and the token query parameter carry different tokens");
        }
        String token = header != null ? header : query;
        check.check(sessionId, token);
        Session session = sessions.recordRequest(sessionId).orElseThrow(PlaybackErrors::noSession);
        exchange.setProperty(SESSION_PROPERTY, session);
        if (query != null) {
            exchange.setProperty(QUERY_TOKEN_PROPERTY, query);
        } else {
            exchange.removeProperty(QUERY_TOKEN_PROPERTY);
        }
        return session;
    }

    /**
     * The session a request's credentials are good for, without recording the request or saying
     * why not: for deciding whether a request may wait before it is answered (the answer itself
     * comes from {@link #authorize}, with the reason for a refusal).
     *
     * @param authorization the {@code Authorization} header, or null
     * @param rawQuery      the request's query string as sent, or null
     */
    public Optional<Session> peek(String sessionId, String authorization, String rawQuery) {
        if (!SessionIds.isWellFormed(sessionId)) {
            return Optional.empty();
        }
        try {
            String bearer = PlaybackCredentials.bearer(authorization);
            String query = PlaybackCredentials.query(rawQuery);
            if (bearer != null && query != null && !bearer.equals(query)) {
                return Optional.empty();
            }
            return Optional.of(check.check(sessionId, bearer != null ? bearer : query));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    /**
     * Records a request whose credentials {@link #peek} accepted, as {@link #authorize} does after
     * its checks: the session after recording, or empty when it ended meanwhile (the route then
     * answers the request with its 404).
     */
    public Optional<Session> record(Session peeked) {
        return sessions.recordRequest(peeked.id());
    }

    /**
     * The {@code ?token=} value of a request's raw query string (null without one), for the
     * playlist to repeat on every URI, as {@link #tokenQueryFor} gives it to the route.
     */
    public static String queryToken(String rawQuery) {
        return PlaybackCredentials.query(rawQuery);
    }

    /**
     * The token of an authorized request that came as {@code ?token=}, for the playlist rewriter to
     * append to every URI it serves ({@code uri + "?token=" + value}; JWTs need no encoding); null
     * when the request used only the header or was not authorized by {@link #authorize}.
     */
    public String tokenQueryFor(Exchange exchange) {
        return exchange.getProperty(QUERY_TOKEN_PROPERTY, String.class);
    }
}
