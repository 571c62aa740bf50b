package io.lenswire.playback;

import org.springframework.stereotype.Component;

/**
 * The checks a session's token must pass for a request on that session's URL, in this order:
 * a valid token (401), its {@code sid} is the URL's session (403), the session is live (404), and
 * its {@code cam} and {@code sub} are the session's (403), and it is the session's current token: a
 * refresh replaces it (401 for every earlier one, so a token seen in a log cannot mint new ones).
 * Shared by HLS and the session endpoints.
 */
@Component
class SessionTokenCheck {

    private final PlaybackTokens tokens;
    private final PlaybackSessions sessions;

    SessionTokenCheck(PlaybackTokens tokens, PlaybackSessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    /** @param urlSessionId a well-formed session id taken from the request path */
    Session check(String urlSessionId, String token) {
        TokenVerification verification = tokens.verify(token);
        if (!verification.isValid()) {
            throw PlaybackErrors.invalidToken(verification.outcome());
        }
        PlaybackClaims claims = verification.claims();
        if (!claims.sessionId().equals(urlSessionId)) {
            throw PlaybackErrors.forbidden("The playback token belongs to another session");
        }
        Session session = sessions.find(urlSessionId).orElseThrow(PlaybackErrors::noSession);
        if (!session.cameraId().equals(claims.cameraId()) || !session.userId().equals(claims.userId())) {
            throw PlaybackErrors.forbidden("The playback token does not match this session's camera or user");
        }
        if (session.tokenId() != null && !session.tokenId().equals(claims.tokenId())) {
            // in a cluster the token may be newer than this node's copy (refreshed through another node)
            session = sessions.findFresh(urlSessionId).orElseThrow(PlaybackErrors::noSession);
            if (session.tokenId() != null && !session.tokenId().equals(claims.tokenId())) {
                throw PlaybackErrors.replaced();
            }
        }
        return session;
    }
}
