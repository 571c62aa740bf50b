package io.lenswire.playback;

import io.lenswire.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import io.lenswire.config.LenswireProperties;

/** Real tokens, sessions and HlsAccess on a hand-moved clock; closed after each test. */
final class PlaybackFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2030-01-01T12:00:00Z");
    private static final CamelContext CAMEL = new DefaultCamelContext();

    final MutableClock clock = new MutableClock(START);
    final List<String> events = new CopyOnWriteArrayList<>();
    final LenswireProperties properties = new LenswireProperties();
    final PlaybackTokens tokens;
    final PlaybackSessions sessions;
    final SessionTokenCheck check;
    final HlsAccess access;

    PlaybackFixture() {
        this(100);
    }

    PlaybackFixture(int maxSessions) {
        properties.getPlayback().setMaxSessions(maxSessions);
        properties.getPlayback().setSessionSweepInterval(Duration.ofHours(1)); // tests sweep by hand
        tokens = new PlaybackTokens(List.of(TestTokens.SIGNING, TestTokens.ROTATED), clock);
        PlaybackSessionListener recorder = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
                events.add("started " + session.id());
            }

            @Override
            public void sessionEnded(Session session) {
                events.add("ended " + session.id() + " " + session.state());
            }
        };
        sessions = new PlaybackSessions(properties.getPlayback(), clock, () -> List.of(recorder));
        check = new SessionTokenCheck(tokens, sessions);
        access = new HlsAccess(check, sessions);
    }

    Session create(String camera, String user) {
        return sessions.create(camera, user).orElseThrow();
    }

    /** An HLS request as platform-http delivers it: path parameter, optional header and raw query. */
    static Exchange request(String sessionId, String authorization, String query) {
        Exchange exchange = new DefaultExchange(CAMEL);
        if (sessionId != null) {
            exchange.getIn().setHeader("session_id", sessionId);
        }
        if (authorization != null) {
            exchange.getIn().setHeader("Authorization", authorization);
        }
        if (query != null) {
            exchange.getIn().setHeader(Exchange.HTTP_QUERY, query);
        }
        return exchange;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
