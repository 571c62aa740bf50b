package io.lenswire.playback;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/** Tokens made the way an attacker or a buggy client would: any header, any claims, any key. */
final class TestTokens {

    static final byte[] SIGNING = secret("signing secret, long enough for HS512: 64 bytes of text.........");
    static final byte[] ROTATED = secret("the previous secret, still accepted for verification");
    static final byte[] REMOVED = secret("a secret that was removed from the configuration list");
    static final byte[] OTHER = secret("some other server's secret, never configured here at all");

    private TestTokens() {
    }

    static byte[] secret(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length < 32) {
            throw new IllegalArgumentException("test secret too short");
        }
        return b;
    }

    /** The claims {@link PlaybackTokens#mint} would put in a token for the session at {@code now}. */
    static JWTClaimsSet.Builder claimsFor(Session s, Instant now) {
        return new JWTClaimsSet.Builder()
                .subject(s.userId())
                .claim("sid", s.id())
                .claim("cam", s.cameraId())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(s.expiresAt()))
                .jwtID(s.tokenId() != null ? s.tokenId() : "test-jti"); // the jti the server gave the session
    }

    static JWTClaimsSet without(JWTClaimsSet claims, String name) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        for (Map.Entry<String, Object> e : claims.getClaims().entrySet()) {
            if (!e.getKey().equals(name)) {
                b.claim(e.getKey(), e.getValue() instanceof Date d ? d : e.getValue());
            }
        }
        return b.build();
    }

    static String hmac(JWSAlgorithm alg, byte[] key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(byte[] key, JWTClaimsSet claims) {
        return hmac(JWSAlgorithm.HS256, key, claims);
    }

    static String rs256(JWTClaimsSet claims) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(pair.getPrivate()));
            return jwt.serialize();
        } catch (NoSuchAlgorithmException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** A token with exactly this header JSON, HMAC-SHA256-signed with the key over header and payload. */
    static String withRawHeader(String headerJson, JWTClaimsSet claims, byte[] key) {
        String header = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)).toString();
        String payload = Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)).toString();
        String input = header + "." + payload;
        return input + "." + hmacSha256(key, input);
    }

    static String hmacSha256(byte[] key, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the payload with another JSON, keeping the original header and signature. */
    static String swapPayload(String token, String payloadJson) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** Replaces the header with another JSON, keeping the original payload and signature. */
    static String swapHeader(String token, String headerJson) {
        String[] parts = token.split("\\.");
        return Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
    }

    static String payloadJson(String token) {
        return new Base64URL(token.split("\\.")[1]).decodeToString();
    }
}
