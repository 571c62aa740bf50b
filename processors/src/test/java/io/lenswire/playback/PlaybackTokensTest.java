package io.lenswire.playback;

import io.lenswire.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;

import io.lenswire.config.LenswireProperties;
import io.lenswire.playback.TokenVerification.Outcome;

class PlaybackTokensTest {

    private final MutableClock clock = new MutableClock(PlaybackFixture.START);
    private final PlaybackTokens tokens = new PlaybackTokens(List.of(TestTokens.SIGNING, TestTokens.ROTATED), clock);
    private final Session session = new Session(SessionIds.next(), "door", "alice", clock.instant(),
            clock.instant().plus(Duration.ofMinutes(30)), Session.State.CREATED, null);

    @Test
    void mintedTokenCarriesEveryClaimAndOnlyAlgAndTyp() throws Exception {
        String token = tokens.mint(session);
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.getHeader().getIncludedParams()).containsExactlyInAnyOrder("alg", "typ");
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("sid")).isEqualTo(session.id());
        assertThat(claims.getStringClaim("cam")).isEqualTo("door");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(session.expiresAt());
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(tokens.mint(session)).as("a fresh jti each time").isNotEqualTo(token);
    }

    @Test
    void verificationTellsEachKindOfFailureApart() {
        String good = tokens.mint(session);
        Instant now = clock.instant();
        assertThat(tokens.verify(good).outcome()).isEqualTo(Outcome.VALID);
        assertThat(tokens.verify(good).claims().sessionId()).isEqualTo(session.id());
        assertThat(tokens.verify(null).outcome()).isEqualTo(Outcome.MISSING);
        assertThat(tokens.verify("").outcome()).isEqualTo(Outcome.MISSING);
        assertThat(tokens.verify("garbage").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(tokens.verify("e30.e30").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(tokens.verify(TestTokens.hs256(TestTokens.SIGNING, TestTokens.without(TestTokens.claimsFor(session, now).build(), "cam"))).outcome())
                .isEqualTo(Outcome.MALFORMED);
        assertThat(tokens.verify(TestTokens.unsigned(TestTokens.claimsFor(session, now).build())).outcome()).isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(tokens.verify(TestTokens.hs256(TestTokens.OTHER, TestTokens.claimsFor(session, now).build())).outcome()).isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(tokens.verify(TestTokens.hmac(JWSAlgorithm.HS512, TestTokens.SIGNING, TestTokens.claimsFor(session, now).build())).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(tokens.verify(TestTokens.hs256(TestTokens.SIGNING, TestTokens.claimsFor(session, now)
                .notBeforeTime(Date.from(now.plusSeconds(6))).build())).outcome()).isEqualTo(Outcome.NOT_YET_VALID);
        assertThat(tokens.verify(TestTokens.hs256(TestTokens.SIGNING, TestTokens.claimsFor(session, now)
                .notBeforeTime(Date.from(now.plusSeconds(5))).build())).outcome()).as("5 s of skew allowed").isEqualTo(Outcome.VALID);
        clock.advance(Duration.ofMinutes(30));
        assertThat(tokens.verify(good).outcome()).isEqualTo(Outcome.EXPIRED);
    }

    @Test
    void firstSecretSignsAndEveryListedSecretVerifies() {
        byte[] a = TestTokens.secret("secret A ........................ 32+ bytes");
        byte[] b = TestTokens.secret("secret B ........................ 32+ bytes");
        String signedByA = new PlaybackTokens(List.of(a, b), clock).mint(session);
        assertThat(new PlaybackTokens(List.of(b, a), clock).verify(signedByA).isValid()).as("A rotated to second place").isTrue();
        assertThat(new PlaybackTokens(List.of(b), clock).verify(signedByA).outcome()).as("A removed").isEqualTo(Outcome.BAD_SIGNATURE);
    }

    @Test
    void configuredSecretsAreUsedInOrder() {
        LenswireProperties properties = new LenswireProperties();
        properties.getPlayback().setJwtSecrets(List.of(new String(TestTokens.SIGNING, StandardCharsets.UTF_8)));
        String token = new PlaybackTokens(properties).mint(session.withExpiresAt(Instant.now().plusSeconds(60)));
        assertThat(new PlaybackTokens(List.of(TestTokens.SIGNING), Clock.systemUTC()).verify(token).isValid()).isTrue();
    }

    @Test
    void shortSecretStopsTheStartWithoutShowingIt() {
        String shortSecret = "only-twenty-bytes-ab";
        List<String> secrets = List.of(new String(TestTokens.SIGNING, StandardCharsets.UTF_8), shortSecret);
        assertThatThrownBy(() -> PlaybackSecrets.from(secrets))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lenswire.playback.jwt-secrets[1] is 20 bytes long")
                .hasMessageContaining("at least 32 bytes")
                .message().doesNotContain(shortSecret);
        List<String> blank = new ArrayList<>();
        blank.add("");
        assertThatThrownBy(() -> PlaybackSecrets.from(blank)).hasMessageContaining("jwt-secrets[0] is 0 bytes long");
    }

    @Test
    void noSecretMeansARandomOneAndAWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(PlaybackSecrets.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            List<byte[]> first = PlaybackSecrets.from(List.of());
            List<byte[]> second = PlaybackSecrets.from(null);
            assertThat(first).hasSize(1);
            assertThat(first.get(0)).hasSize(32).isNotEqualTo(second.get(0));
            assertThat(appender.list).hasSize(2).allSatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("stop working when the server restarts");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aVerifiedTokenIsRememberedButItsTimesAreCheckedOnEveryUse() {
        String good = tokens.mint(session);
        assertThat(tokens.rememberedCount()).isZero();
        assertThat(tokens.verify(good).isValid()).isTrue();
        assertThat(tokens.rememberedCount()).isEqualTo(1);
        assertThat(tokens.verify(good).claims().sessionId()).as("from memory").isEqualTo(session.id());
        char[] forged = good.toCharArray();
        int inSignature = good.lastIndexOf('.') + 5;
        forged[inSignature] = forged[inSignature] == 'A' ? 'B' : 'A';
        assertThat(tokens.verify(new String(forged)).outcome()).as("only the exact text is remembered")
                .isEqualTo(Outcome.BAD_SIGNATURE);
        clock.advance(Duration.ofMinutes(30));
        assertThat(tokens.verify(good).outcome()).as("expiry still holds for a remembered token").isEqualTo(Outcome.EXPIRED);
        assertThat(tokens.rememberedCount()).as("an expired token is forgotten").isZero();
    }

    @Test
    void onlyTokensThatVerifiedAreRemembered() {
        Instant now = clock.instant();
        tokens.verify(TestTokens.hs256(TestTokens.OTHER, TestTokens.claimsFor(session, now).build()));
        tokens.verify(TestTokens.unsigned(TestTokens.claimsFor(session, now).build()));
        String early = TestTokens.hs256(TestTokens.SIGNING, TestTokens.claimsFor(session, now).notBeforeTime(Date.from(now.plusSeconds(60))).build());
        assertThat(tokens.verify(early).outcome()).isEqualTo(Outcome.NOT_YET_VALID);
        assertThat(tokens.rememberedCount()).isZero();
        clock.advance(Duration.ofSeconds(60));
        assertThat(tokens.verify(early).outcome()).as("checked again in full, now in time").isEqualTo(Outcome.VALID);
    }

    @Test
    void theRememberedTokensAreBounded() {
        List<String> minted = new ArrayList<>();
        for (int i = 0; i < PlaybackTokens.VERIFIED_MAX + 10; i++) {
            String token = tokens.mint(session);
            minted.add(token);
            assertThat(tokens.verify(token).isValid()).isTrue();
            assertThat(tokens.rememberedCount()).isLessThanOrEqualTo(PlaybackTokens.VERIFIED_MAX);
        }
        assertThat(tokens.verify(minted.get(0)).isValid()).as("a forgotten token verifies the long way").isTrue();
    }

    @Test
    void theCompactFormCheckAcceptsWhatTheRegularExpressionDid() {
        Pattern compact = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
        List<String> cases = new ArrayList<>(List.of("a.b.c", "a.b.", "a..c", ".b.c", "a.b", "a.b.c.d", "ab", "", "a.b.c=",
                "a b.c.d", "A-z_9.0.x", "a.b.c\n", "é.b.c", tokens.mint(session)));
        Random random = new Random(7);
        String alphabet = "aZ09_-.=+/ %";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = random.nextInt(9); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            cases.add(b.toString());
        }
        for (String c : cases) {
            assertThat(PlaybackTokens.isCompactJws(c)).as("'%s'", c).isEqualTo(compact.matcher(c).matches());
        }
    }
}
