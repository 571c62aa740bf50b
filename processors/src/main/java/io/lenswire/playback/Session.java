package io.lenswire.playback;

import java.time.Instant;

/**
 * An immutable snapshot of one playback session. {@link PlaybackSessions} replaces it on every
 * change, so a snapshot handed to a listener or a route never changes under its reader.
 *
 * @param lastRequestAt when an HLS request last passed {@link HlsAccess}; null before the first
 * @param tokenId the {@code jti} of the session's current token: create-session and each refresh
 *                replace it, and a token with any other {@code jti} no longer works (null only for
 *                sessions made outside {@link PlaybackSessions}, in tests)
 */
public record Session(String id, String cameraId, String userId, Instant createdAt, Instant expiresAt,
                      State state, Instant lastRequestAt, String tokenId) {

    public Session(String id, String cameraId, String userId, Instant createdAt, Instant expiresAt,
                   State state, Instant lastRequestAt) {
        this(id, cameraId, userId, createdAt, expiresAt, state, lastRequestAt, null);
    }

    /** CREATED by create-session, PLAYING after start or the first HLS request, ENDED once deleted or expired. */
    public enum State { CREATED, PLAYING, ENDED }

    /** Live: not ended and not past its expiry. Only live sessions authorize HLS requests. */
    public boolean isLive(Instant now) {
        return state != State.ENDED && now.isBefore(expiresAt);
    }

    Session withState(State newState) {
        return new Session(id, cameraId, userId, createdAt, expiresAt, newState, lastRequestAt, tokenId);
    }

    Session withExpiresAt(Instant newExpiry) {
        return new Session(id, cameraId, userId, createdAt, newExpiry, state, lastRequestAt, tokenId);
    }

    Session withToken(String newTokenId, Instant newExpiry) {
        return new Session(id, cameraId, userId, createdAt, newExpiry, state, lastRequestAt, newTokenId);
    }

    Session withLastRequestAt(Instant at) {
        return new Session(id, cameraId, userId, createdAt, expiresAt, state, at, tokenId);
    }
}
