package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** Every way a playback token can be wrong, over real HTTP: a 401/403/404 and never a byte of video. */
class TokenMatrixIT {

    private static final String SECRET = HlsPlaybackIT.JWT_SECRET;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;
    private static Sessions s;

    /** Two live sessions A and B on camera "cam", one deleted session D, and one on camera "other". */
    record Sessions(JsonNode a, JsonNode b, JsonNode deleted, JsonNode other, String segment) {
    }

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264", "/other=h264");
        app = LenswireProcess.start("tokens", "--lenswire.playback.jwt-secrets[0]=" + SECRET);
        api = app.api();
        api.addCamera("cam", rtsp.url("/cam"));
        api.addCamera("other", rtsp.url("/other"));
        Wait.until("cameras STREAMING", Duration.ofSeconds(15),
                () -> api.state("cam").equals("STREAMING") && api.state("other").equals("STREAMING"));
        JsonNode a = HlsPlaybackITSupport.create(api, "cam", "alice");
        JsonNode b = HlsPlaybackITSupport.create(api, "cam", "bob");
        JsonNode d = HlsPlaybackITSupport.create(api, "cam", "dave");
        JsonNode o = HlsPlaybackITSupport.create(api, "other", "olga");
        Api.Response playlist = api.send(api.request(a.path("hls_url").asText()).GET().build());
        assertThat(playlist.status()).as(playlist.body()).isEqualTo(200);
        String segment = playlist.body().lines().filter(l -> l.startsWith("seg_")).findFirst().orElseThrow().replaceAll("\\?.*", "");
        assertThat(api.delete("/api/stream/playback/" + d.path("session_id").asText()).status()).isEqualTo(200);
        s = new Sessions(a, b, d, o, segment);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    static String sid(JsonNode session) {
        return session.path("session_id").asText();
    }

    static JWTClaimsSet.Builder claims(JsonNode session, String camera) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(session == s.a() ? "alice" : "bob").claim("sid", sid(session)).claim("cam", camera)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString());
    }

    static String hs(JWSAlgorithm alg, String secret, JWTClaimsSet claims) {
        if (!JWSAlgorithm.HS256.equals(alg)) {
            return hmacByHand(alg, secret, claims); // nimbus refuses HS384/512 with a 45-byte secret
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correctly HMAC-signed token whose header names another HMAC algorithm. */
    static String hmacByHand(JWSAlgorithm alg, String secret, JWTClaimsSet claims) {
        try {
            String signingInput = b64("{\"alg\":\"" + alg.getName() + "\",\"typ\":\"JWT\"}") + "." + b64(claims.toString());
            String javaName = "Hmac" + alg.getName().replace("HS", "SHA");
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance(javaName);
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), javaName));
            byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(JWTClaimsSet claims) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) gen.generateKeyPair().getPrivate()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String unsigned(JWTClaimsSet claims) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.toString()) + ".";
    }

    static String replacePayload(String token, Function<String, String> edit) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        return parts[0] + "." + b64(edit.apply(payload)) + "." + parts[2];
    }

    static String replaceHeader(String token, String header) {
        String[] parts = token.split("\\.");
        return b64(header) + "." + parts[1] + "." + parts[2];
    }

    /** name, path after /api/stream/hls/, query token (or null), bearer token (or null), expected status. */
    record Case(String name, Function<Sessions, String> path, Function<Sessions, String> query,
                Function<Sessions, String> bearer, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case q(String name, Function<Sessions, String> path, Function<Sessions, String> query, int status) {
        return new Case(name, path, query, x -> null, status);
    }

    static Stream<Arguments> cases() {
        Function<Sessions, String> playlistA = x -> sid(x.a()) + "/playlist.m3u8";
        Function<Sessions, String> segmentA = x -> sid(x.a()) + "/" + x.segment();
        Function<Sessions, String> tokenA = x -> x.a().path("token").asText();
        return Stream.of(
                q("no token", playlistA, x -> null, 401),
                q("empty token", playlistA, x -> "", 401),
                q("garbage", playlistA, x -> "not-a-jwt", 401),
                q("two parts", playlistA, x -> String.join(".", List.of(tokenA.apply(x).split("\\.")).subList(0, 2)), 401),
                q("alg none", playlistA, x -> unsigned(claims(x.a(), "cam").build()), 401),
                q("HS512 with the right secret", playlistA, x -> hs(JWSAlgorithm.HS512, SECRET, claims(x.a(), "cam").build()), 401),
                q("HS384 with the right secret", playlistA, x -> hs(JWSAlgorithm.HS384, SECRET, claims(x.a(), "cam").build()), 401),
                q("RS256", playlistA, x -> rs256(claims(x.a(), "cam").build()), 401),
                q("another secret", playlistA, x -> hs(JWSAlgorithm.HS256, "another-secret-0123456789-0123456789-xyz", claims(x.a(), "cam").build()), 401),
                q("expired", playlistA, x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "cam")
                        .issueTime(Date.from(Instant.now().minusSeconds(3600))).notBeforeTime(Date.from(Instant.now().minusSeconds(3600)))
                        .expirationTime(Date.from(Instant.now().minusSeconds(60))).build()), 401),
                q("not yet valid", playlistA, x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "cam")
                        .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build()), 401),
                q("missing sid", playlistA, x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "cam").claim("sid", null).build()), 401),
                q("missing exp", playlistA, x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "cam").expirationTime(null).build()), 401),
                q("session A's token on B's playlist", x -> sid(x.b()) + "/playlist.m3u8", tokenA, 403),
                q("session A's token on B's segment", x -> sid(x.b()) + "/" + x.segment(), tokenA, 403),
                q("camera mismatch", playlistA, x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "other").build()), 403),
                q("deleted session", x -> sid(x.deleted()) + "/playlist.m3u8", x -> x.deleted().path("token").asText(), 404),
                q("A's token on an unknown session's URL", x -> "AAAAAAAAAAAAAAAAAAAAAA/playlist.m3u8", tokenA, 403),
                q("valid token minted for an unknown session", x -> "AAAAAAAAAAAAAAAAAAAAAA/playlist.m3u8",
                        x -> hs(JWSAlgorithm.HS256, SECRET, claims(x.a(), "cam").claim("sid", "AAAAAAAAAAAAAAAAAAAAAA").build()), 404),
                q("malformed session id", x -> "not*a*session/playlist.m3u8", tokenA, 404),
                q("tampered payload", playlistA, x -> replacePayload(tokenA.apply(x), p -> p.replace("\"cam\":\"cam\"", "\"cam\":\"other\"")), 401),
                q("tampered header", playlistA, x -> replaceHeader(tokenA.apply(x), "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"x\"}"), 401),
                q("no token on a segment", segmentA, x -> null, 401),
                new Case("header and query disagree", playlistA, tokenA, x -> x.b().path("token").asText(), 401),
                new Case("garbage bearer", playlistA, x -> null, x -> "garbage", 401),
                q("other camera's session token on A", playlistA, x -> x.other().path("token").asText(), 403))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refused(Case c) {
        String query = c.query().apply(s);
        String bearer = c.bearer().apply(s);
        String path = "/api/stream/hls/" + c.path().apply(s) + (query == null ? "" : "?token=" + query);
        var request = api.request(path).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        Api.Response r = api.send(request.build());
        assertThat(r.status()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.body()).doesNotContain("#EXTM3U", "ftyp", "moof");
        if (query != null && query.length() > 20) {
            assertThat(r.body()).doesNotContain(query);
        }
    }

    @org.junit.jupiter.api.Test
    void theRightTokenStillWorks() {
        Api.Response r = api.send(api.request(s.a().path("hls_url").asText()).GET().build());
        assertThat(r.status()).isEqualTo(200);
        Api.Response seg = api.send(api.request("/api/stream/hls/" + sid(s.a()) + "/" + s.segment() + "?token=" + s.a().path("token").asText()).GET().build());
        assertThat(seg.status()).isIn(200, 404); // 404 only if the segment already left the live window
    }
}
