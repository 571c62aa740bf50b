package io.lenswire.playback;

import java.time.Instant;

/** The claims of a verified playback token: sub, sid, cam, iat, nbf, exp, jti. */
public record PlaybackClaims(String userId, String sessionId, String cameraId, Instant issuedAt, Instant notBefore,
                             Instant expiresAt, String tokenId) {
}
