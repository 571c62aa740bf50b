package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;

import io.lenswire.api.ApiException;

/**
 * Every way a playback token can be wrong, against real nimbus-made tokens, through
 * {@link HlsAccess#authorize}: the exact status, and never the token in the message.
 */
class TokenMatrixTest {

    private static final int OK = 200;

    /** One HLS request: the URL's session id, the Authorization header and the raw query (each may be null). */
    record Request(String sessionId, String authorization, String query, String... tokens) {
        static Request bearer(String sessionId, String token) {
            return new Request(sessionId, "Bearer " + token, null, token);
        }

        static Request query(String sessionId, String token) {
            return new Request(sessionId, null, "token=" + token, token);
        }
    }

    /** Sessions every case can use: A and C on camera cam-1, B on cam-2. */
    static final class World {
        final PlaybackFixture f = new PlaybackFixture();
        final Session a = f.create("cam-1", "alice");
        final Session b = f.create("cam-2", "bob");
        final Session c = f.create("cam-1", "carol");

        Instant now() {
            return f.clock.instant();
        }

        JWTClaimsSet claimsA() {
            return TestTokens.claimsFor(a, now()).build();
        }

        String tokenA() {
            return f.tokens.mint(a);
        }
    }

    private World world;

    @BeforeEach
    void setUp() {
        world = new World();
    }

    @AfterEach
    void tearDown() {
        world.f.close();
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
            // --- where the token is (not) ---
            c("no token", w -> new Request(w.a.id(), null, null), 401),
            c("empty query token", w -> new Request(w.a.id(), null, "token="), 401),
            c("empty Bearer", w -> new Request(w.a.id(), "Bearer ", null), 401),
            c("Basic authorization instead of Bearer", w -> new Request(w.a.id(), "Basic dXNlcjpwYXNz", null), 401),
            c("query has other parameters only", w -> new Request(w.a.id(), null, "x=1&tokens=2"), 401),
            // --- not a JWT ---
            c("garbage", w -> Request.bearer(w.a.id(), "garbage-not-a-token"), 401),
            c("three parts of garbage", w -> Request.bearer(w.a.id(), "abc.def.ghi"), 401),
            c("two-part JWT (signature cut off)", w -> {
                String[] p = w.tokenA().split("\\.");
                return Request.bearer(w.a.id(), p[0] + "." + p[1]);
            }, 401),
            c("five-part JWE shape", w -> Request.bearer(w.a.id(), "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"), 401),
            c("over-long token", w -> Request.bearer(w.a.id(), w.tokenA() + "A".repeat(5000)), 401),
            // --- algorithm and header ---
            c("alg none, unsigned", w -> Request.bearer(w.a.id(), TestTokens.unsigned(w.claimsA())), 401),
            c("alg none with a valid HMAC", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"none\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("HS384 with the signing secret", w -> Request.bearer(w.a.id(),
                    TestTokens.hmac(JWSAlgorithm.HS384, TestTokens.SIGNING, w.claimsA())), 401),
            c("HS512 with the signing secret", w -> Request.bearer(w.a.id(),
                    TestTokens.hmac(JWSAlgorithm.HS512, TestTokens.SIGNING, w.claimsA())), 401),
            c("RS256 signed with an RSA key", w -> Request.bearer(w.a.id(), TestTokens.rs256(w.claimsA())), 401),
            c("RS256 header over an HMAC signature", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"RS256\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("lower-case hs256", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"hs256\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("crit header", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("jku header", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"HS256\",\"jku\":\"https://attacker.invalid/k\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("jwk header", w -> Request.bearer(w.a.id(), TestTokens.withRawHeader(
                    "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI\"}}",
                    w.claimsA(), TestTokens.SIGNING)), 401),
            c("x5u header", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"HS256\",\"x5u\":\"https://attacker.invalid/c\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("kid header", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"HS256\",\"kid\":\"../../dev/null\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            c("typ other than JWT", w -> Request.bearer(w.a.id(),
                    TestTokens.withRawHeader("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", w.claimsA(), TestTokens.SIGNING)), 401),
            // --- secrets ---
            c("signed with another secret", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.OTHER, w.claimsA())), 401),
            c("signed with a removed secret", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.REMOVED, w.claimsA())), 401),
            c("signed with the rotated second secret", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.ROTATED, w.claimsA())), OK),
            // --- time ---
            c("expired", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now().minusSeconds(120)).expirationTime(Date.from(w.now().minusSeconds(1))).build())), 401),
            c("expires exactly now", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now().minusSeconds(120)).expirationTime(Date.from(w.now())).build())), 401),
            c("nbf in the future", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).notBeforeTime(Date.from(w.now().plusSeconds(60))).build())), 401),
            c("iat in the future", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).issueTime(Date.from(w.now().plusSeconds(60))).build())), 401),
            c("nbf within the 5 s clock skew", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).notBeforeTime(Date.from(w.now().plusSeconds(4))).build())), OK),
            c("expired token of an expired and swept session", w -> {
                String token = w.tokenA();
                w.f.clock.advance(Duration.ofMinutes(31));
                w.f.sessions.sweep();
                return Request.bearer(w.a.id(), token);
            }, 401),
            // --- claims ---
            c("missing sid", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "sid"))), 401),
            c("missing cam", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "cam"))), 401),
            c("missing exp", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "exp"))), 401),
            c("missing sub", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "sub"))), 401),
            c("missing jti", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "jti"))), 401),
            c("missing nbf", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(w.claimsA(), "nbf"))), 401),
            c("cam is a number", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).claim("cam", 7).build())), 401),
            // --- tampering (signature kept) ---
            c("tampered payload: cam changed", w -> {
                String token = w.tokenA();
                return Request.bearer(w.a.id(), TestTokens.swapPayload(token, TestTokens.payloadJson(token).replace("\"cam-1\"", "\"cam-2\"")));
            }, 401),
            c("tampered payload: sid changed to session B", w -> {
                String token = w.tokenA();
                return Request.bearer(w.b.id(), TestTokens.swapPayload(token, TestTokens.payloadJson(token).replace(w.a.id(), w.b.id())));
            }, 401),
            c("tampered header: same fields, other bytes", w -> Request.bearer(w.a.id(),
                    TestTokens.swapHeader(w.tokenA(), "{\"typ\":\"JWT\", \"alg\":\"HS256\"}")), 401),
            c("tampered signature", w -> {
                String token = w.tokenA();
                char last = token.charAt(token.length() - 2);
                return Request.bearer(w.a.id(), token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1));
            }, 401),
            // --- two places for a token ---
            c("header and query tokens differ", w -> {
                String first = w.tokenA();
                w.f.clock.advance(Duration.ofSeconds(1)); // another valid token of the same session
                String second = w.tokenA();
                return new Request(w.a.id(), "Bearer " + first, "token=" + second, first, second);
            }, 401),
            c("valid header, garbage query", w -> {
                String token = w.tokenA();
                return new Request(w.a.id(), "Bearer " + token, "token=garbage", token);
            }, 401),
            c("token twice in the query, different", w -> {
                String token = w.tokenA();
                return new Request(w.a.id(), null, "token=" + token + "&token=x", token);
            }, 401),
            c("header and query carry the same token", w -> {
                String token = w.tokenA();
                return new Request(w.a.id(), "Bearer " + token, "token=" + token, token);
            }, OK),
            // --- whose token, which session ---
            c("session A's token on session B's URL", w -> Request.bearer(w.b.id(), w.tokenA()), 403),
            c("session A's token on a well-formed unknown session's URL", w -> Request.bearer(SessionIds.next(), w.tokenA()), 403),
            c("camera mismatch (validly signed)", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).claim("cam", "cam-2").build())), 403),
            c("user mismatch (validly signed)", w -> Request.bearer(w.a.id(), TestTokens.hs256(TestTokens.SIGNING,
                    TestTokens.claimsFor(w.a, w.now()).subject("mallory").build())), 403),
            c("token for a session that never existed", w -> {
                Session ghost = new Session(SessionIds.next(), "cam-1", "alice", w.now(), w.now().plusSeconds(600), Session.State.CREATED, null);
                return Request.bearer(ghost.id(), w.f.tokens.mint(ghost));
            }, 404),
            c("deleted session", w -> {
                String token = w.f.tokens.mint(w.c);
                w.f.sessions.end(w.c.id());
                return Request.bearer(w.c.id(), token);
            }, 404),
            c("expired and swept session, token still valid", w -> {
                w.f.clock.advance(Duration.ofMinutes(31));
                w.f.sessions.sweep();
                String token = TestTokens.hs256(TestTokens.SIGNING, TestTokens.claimsFor(w.a, w.now())
                        .expirationTime(Date.from(w.now().plusSeconds(600))).build());
                return Request.bearer(w.a.id(), token);
            }, 404),
            c("expired session not yet swept, token still valid", w -> {
                w.f.clock.advance(Duration.ofMinutes(31));
                String token = TestTokens.hs256(TestTokens.SIGNING, TestTokens.claimsFor(w.a, w.now())
                        .expirationTime(Date.from(w.now().plusSeconds(600))).build());
                return Request.bearer(w.a.id(), token);
            }, 404),
            c("malformed session id in the URL", w -> Request.bearer("..%2f..%2fetc", w.tokenA()), 404),
            c("no session id in the URL", w -> Request.bearer(null, w.tokenA()), 404),
            // --- accepted ---
            c("valid Bearer", w -> Request.bearer(w.a.id(), w.tokenA()), OK),
            c("valid Bearer, lower-case scheme", w -> {
                String token = w.tokenA();
                return new Request(w.a.id(), "bearer " + token, null, token);
            }, OK),
            c("valid query", w -> Request.query(w.a.id(), w.tokenA()), OK),
            c("valid query among other parameters", w -> {
                String token = w.tokenA();
                return new Request(w.a.id(), null, "_HLS_msn=3&token=" + token + "&x=", token);
            }, OK),
            c("token replaced by a refresh", w -> {
                String old = w.tokenA();
                w.f.sessions.extend(w.a.id()).orElseThrow();
                return Request.bearer(w.a.id(), old);
            }, 401),
            c("token replaced by a refresh, as query", w -> {
                String old = w.tokenA();
                w.f.sessions.extend(w.a.id()).orElseThrow();
                return Request.query(w.a.id(), old);
            }, 401),
            c("well-signed token of the session with another jti", w -> Request.bearer(w.a.id(),
                    TestTokens.hs256(TestTokens.SIGNING, new JWTClaimsSet.Builder(w.claimsA()).jwtID("not-the-current-one").build())), 401),
            c("new token after refresh", w -> {
                w.f.clock.advance(Duration.ofMinutes(20));
                Session extended = w.f.sessions.extend(w.a.id()).orElseThrow();
                return Request.bearer(w.a.id(), w.f.tokens.mint(extended));
            }, OK)
        );
    }

    private static Arguments c(String name, Function<World, Request> request, int status) {
        return Arguments.of(name, request, status);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("matrix")
    void eachCaseGetsItsExactStatus(String name, Function<World, Request> make, int status) {
        Request request = make.apply(world);
        Exchange exchange = PlaybackFixture.request(request.sessionId(), request.authorization(), request.query());
        if (status == OK) {
            Session session = world.f.access.authorize(exchange);
            assertThat(session.id()).isEqualTo(request.sessionId());
            assertThat(session.state()).isEqualTo(Session.State.PLAYING);
            assertThat(session.lastRequestAt()).isNotNull();
            assertThat(exchange.getProperty(HlsAccess.SESSION_PROPERTY)).isEqualTo(session);
            return;
        }
        assertThatThrownBy(() -> world.f.access.authorize(exchange))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).as(name).isEqualTo(status);
                    for (String token : request.tokens()) {
                        assertThat(e.getMessage()).doesNotContain(token);
                        String[] parts = token.split("\\.");
                        for (String part : parts) {
                            if (part.length() >= 8) {
                                assertThat(e.getMessage()).doesNotContain(part);
                            }
                        }
                    }
                });
        assertThat(world.f.access.tokenQueryFor(exchange)).isNull();
    }

    @Test
    void matrixHasAtLeastTwentyFiveCases() {
        assertThat(matrix().count()).isGreaterThanOrEqualTo(25);
    }

    @Test
    void queryTokenIsHandedToThePlaylistRewriterAndHeaderTokenIsNot() {
        String token = world.tokenA();
        Exchange viaQuery = PlaybackFixture.request(world.a.id(), null, "token=" + token);
        world.f.access.authorize(viaQuery);
        assertThat(world.f.access.tokenQueryFor(viaQuery)).isEqualTo(token);

        Exchange viaHeader = PlaybackFixture.request(world.a.id(), "Bearer " + token, null);
        world.f.access.authorize(viaHeader);
        assertThat(world.f.access.tokenQueryFor(viaHeader)).isNull();

        Exchange both = PlaybackFixture.request(world.a.id(), "Bearer " + token, "token=" + token);
        world.f.access.authorize(both);
        assertThat(world.f.access.tokenQueryFor(both)).isEqualTo(token);
    }

    @Test
    void firstAuthorizedRequestStartsTheSessionOnce() {
        String token = world.tokenA();
        world.f.access.authorize(PlaybackFixture.request(world.a.id(), "Bearer " + token, null));
        world.f.clock.advance(Duration.ofSeconds(2));
        Session second = world.f.access.authorize(PlaybackFixture.request(world.a.id(), "Bearer " + token, null));
        assertThat(world.f.events).containsExactly("started " + world.a.id());
        assertThat(second.lastRequestAt()).isEqualTo(world.now());
    }

    @Test
    void refusedRequestDoesNotStartTheSession() {
        assertThatThrownBy(() -> world.f.access.authorize(PlaybackFixture.request(world.b.id(), "Bearer " + world.tokenA(), null)))
                .isInstanceOf(ApiException.class);
        assertThat(world.f.events).isEmpty();
        assertThat(world.f.sessions.find(world.b.id()).orElseThrow().state()).isEqualTo(Session.State.CREATED);
    }
}
