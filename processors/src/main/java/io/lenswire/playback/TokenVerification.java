package io.lenswire.playback;

/** What {@link PlaybackTokens#verify} found; {@code claims} is set only when {@code outcome} is VALID. */
public record TokenVerification(Outcome outcome, PlaybackClaims claims) {

    public enum Outcome {
        VALID,
        /** No token, or an empty one. */
        MISSING,
        /** Not a compact JWS, unreadable header or payload, or a required claim absent or of the wrong type. */
        MALFORMED,
        /** Algorithm other than exactly HS256, a forbidden header, or no configured secret verifies the signature. */
        BAD_SIGNATURE,
        /** {@code exp} has passed. */
        EXPIRED,
        /** {@code nbf} or {@code iat} is further in the future than the allowed clock skew. */
        NOT_YET_VALID
    }

    static TokenVerification failed(Outcome outcome) {
        return new TokenVerification(outcome, null);
    }

    static TokenVerification valid(PlaybackClaims claims) {
        return new TokenVerification(Outcome.VALID, claims);
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }
}
