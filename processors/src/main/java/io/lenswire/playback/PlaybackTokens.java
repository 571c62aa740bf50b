package io.lenswire.playback;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.lenswire.config.LenswireProperties;

/**
 * Mints and verifies playback tokens: compact HS256 JWTs with sub (user), sid (session), cam
 * (camera), iat, nbf, exp and jti. Thread-safe; signer and verifiers are built once.
 *
 * <p>Verification is strict because only this class mints tokens: the header may hold nothing but
 * {@code alg} (exactly {@code HS256}) and {@code typ} ({@code JWT}), so {@code none}, other HMAC
 * sizes, public-key algorithms and key-carrying or critical headers ({@code jku}, {@code jwk},
 * {@code x5u}, {@code crit}, ...) are all refused before any signature is computed. Expiry is
 * exact; {@code nbf}/{@code iat} get {@link #CLOCK_SKEW} for nodes whose clocks differ slightly.
 *
 * <p>A token whose signature and claims checked out is remembered (the exact token text → its
 * claims, at most {@link #VERIFIED_MAX} of them), so that the next request with it skips the
 * Base64 decoding, JSON parsing and HMAC: an LL-HLS viewer presents the same token ten times a
 * second, and with 500 viewers those steps were ~7 % of the server's request threads (profile in
 * docs/benchmarks.md, stop 26). The time checks ({@code exp}, {@code nbf}, {@code iat}) run on
 * every call, remembered or not; whether the token is still its session's current one is the
 * caller's check, as before. Only tokens that verified are ever stored, so nobody can fill the
 * table with tokens of their own making.
 */
@Component
public class PlaybackTokens {

    public static final String SESSION_CLAIM = "sid";
    public static final String CAMERA_CLAIM = "cam";
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    /** Real tokens are ~400 characters; anything far longer is refused unparsed. */
    static final int MAX_TOKEN_LENGTH = 4096;
    private static final Set<String> ALLOWED_HEADER_PARAMS = Set.of("alg", "typ");
    private static final int TOKEN_ID_BYTES = 12;
    /** Tokens remembered as verified; when full, the expired ones go, or all of them if none has expired. */
    static final int VERIFIED_MAX = 10_000;

    private final JWSSigner signer;
    private final List<JWSVerifier> verifiers;
    private final Clock clock;
    private final Map<String, PlaybackClaims> verified = new ConcurrentHashMap<>();

    @Autowired
    public PlaybackTokens(LenswireProperties properties) {
        this(PlaybackSecrets.from(properties.getPlayback().getJwtSecrets()), Clock.systemUTC());
    }

    /** @param keys HMAC keys of 32+ bytes; the first signs, all verify */
    PlaybackTokens(List<byte[]> keys, Clock clock) {
        try {
            this.signer = new MACSigner(keys.get(0));
            List<JWSVerifier> list = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                list.add(new MACVerifier(key));
            }
            this.verifiers = List.copyOf(list);
        } catch (JOSEException e) {
            throw new IllegalStateException("playback JWT secret rejected: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    /**
     * A token for the session, valid from now until the session's current expiry, with the
     * session's current token id as {@code jti} (a random one for a session that has none).
     */
    public String mint(Session session) {
        Date now = Date.from(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(session.userId())
                .claim(SESSION_CLAIM, session.id())
                .claim(CAMERA_CLAIM, session.cameraId())
                .issueTime(now)
                .notBeforeTime(now)
                .expirationTime(Date.from(session.expiresAt()))
                .jwtID(session.tokenId() != null ? session.tokenId() : newTokenId())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a playback token", e);
        }
        return jwt.serialize();
    }

    /** A new random token id ({@code jti}). */
    static String newTokenId() {
        return SessionIds.random(TOKEN_ID_BYTES);
    }

    public TokenVerification verify(String token) {
        if (token == null || token.isEmpty()) {
            return TokenVerification.failed(TokenVerification.Outcome.MISSING);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return TokenVerification.failed(TokenVerification.Outcome.MALFORMED);
        }
        PlaybackClaims known = verified.get(token);
        if (known != null) {
            TokenVerification again = checkTimes(known);
            if (again.outcome() == TokenVerification.Outcome.EXPIRED) {
                verified.remove(token);
            }
            return again;
        }
        if (!isCompactJws(token)) {
            return TokenVerification.failed(TokenVerification.Outcome.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException | RuntimeException e) {
            return TokenVerification.failed(TokenVerification.Outcome.MALFORMED);
        }
        if (!acceptableHeader(header)) {
            return TokenVerification.failed(TokenVerification.Outcome.BAD_SIGNATURE);
        }
        SignedJWT jwt;
        try {
            jwt = new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException | RuntimeException e) {
            return TokenVerification.failed(TokenVerification.Outcome.MALFORMED);
        }
        if (!signedByUs(jwt)) {
            return TokenVerification.failed(TokenVerification.Outcome.BAD_SIGNATURE);
        }
        PlaybackClaims claims = readClaims(jwt);
        if (claims == null) {
            return TokenVerification.failed(TokenVerification.Outcome.MALFORMED);
        }
        TokenVerification result = checkTimes(claims);
        if (result.isValid()) {
            remember(token, claims);
        }
        return result;
    }

    private TokenVerification checkTimes(PlaybackClaims claims) {
        Instant now = clock.instant();
        if (!now.isBefore(claims.expiresAt())) {
            return TokenVerification.failed(TokenVerification.Outcome.EXPIRED);
        }
        Instant latestStart = now.plus(CLOCK_SKEW);
        if (claims.notBefore().isAfter(latestStart) || claims.issuedAt().isAfter(latestStart)) {
            return TokenVerification.failed(TokenVerification.Outcome.NOT_YET_VALID);
        }
        return TokenVerification.valid(claims);
    }

    private void remember(String token, PlaybackClaims claims) {
        if (verified.size() >= VERIFIED_MAX) {
            Instant now = clock.instant();
            verified.values().removeIf(c -> !now.isBefore(c.expiresAt()));
            if (verified.size() >= VERIFIED_MAX) {
                verified.clear(); // a bound, not a policy: every token still verifies the long way
            }
        }
        verified.put(token, claims);
    }

    /** Tokens remembered as verified now. */
    int rememberedCount() {
        return verified.size();
    }

    /** The compact JWS form: three base64url parts, the first two not empty, as {@code [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*}. */
    static boolean isCompactJws(String token) {
        int dots = 0;
        int partLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (partLength == 0 || ++dots > 2) {
                    return false;
                }
                partLength = 0;
            } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2;
    }

    private static boolean acceptableHeader(Header header) {
        if (!(header instanceof JWSHeader jws) || !JWSAlgorithm.HS256.equals(jws.getAlgorithm())) {
            return false;
        }
        if (!ALLOWED_HEADER_PARAMS.containsAll(jws.getIncludedParams())) {
            return false;
        }
        return jws.getType() == null || JOSEObjectType.JWT.equals(jws.getType());
    }

    private boolean signedByUs(SignedJWT jwt) {
        for (JWSVerifier verifier : verifiers) {
            try {
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** Null when a required claim is missing or has the wrong type. */
    private static PlaybackClaims readClaims(SignedJWT jwt) {
        try {
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            String user = c.getStringClaim("sub");
            String session = c.getStringClaim(SESSION_CLAIM);
            String camera = c.getStringClaim(CAMERA_CLAIM);
            String id = c.getJWTID();
            Date iat = c.getIssueTime();
            Date nbf = c.getNotBeforeTime();
            Date exp = c.getExpirationTime();
            if (isEmpty(user) || !SessionIds.isWellFormed(session) || isEmpty(camera) || isEmpty(id)
                    || iat == null || nbf == null || exp == null) {
                return null;
            }
            return new PlaybackClaims(user, session, camera, iat.toInstant(), nbf.toInstant(), exp.toInstant(), id);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
