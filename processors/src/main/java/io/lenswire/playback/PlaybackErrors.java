package io.lenswire.playback;

import io.lenswire.api.ApiException;

/**
 * The refusals of playback requests. Messages are fixed texts: they never carry the token (nor any
 * other part of the request), so an error body or a log line cannot leak it.
 */
final class PlaybackErrors {

    private PlaybackErrors() {
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException replaced() {
        return unauthorized("The playback token was replaced by a refresh of its session; use the newest token");
    }

    static ApiException noSession() {
        return ApiException.notFound("No live playback session with that session_id");
    }

    static ApiException tooManySessions(int max) {
        return new ApiException(429, "too_many_sessions",
                "The server already has " + max + " playback sessions; end one or try again later");
    }

    static ApiException invalidToken(TokenVerification.Outcome outcome) {
        return unauthorized(switch (outcome) {
            case MISSING -> "Missing playback token: send 'Authorization: Bearer <token>' or '?token=<token>'";
            case MALFORMED -> "The playback token is malformed";
            case BAD_SIGNATURE -> "The playback token's signature or algorithm is not accepted";
            case EXPIRED -> "The playback token has expired; refresh the session for a new one";
            case NOT_YET_VALID -> "The playback token is not valid yet";
            case VALID -> throw new IllegalArgumentException("a valid token is not an error");
        });
    }
}
