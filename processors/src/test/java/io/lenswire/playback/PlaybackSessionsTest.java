package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lenswire.config.LenswireProperties;

class PlaybackSessionsTest {

    private final PlaybackFixture f = new PlaybackFixture(3);

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void createdSessionIsLiveUntilItsTtl() {
        Session s = f.create("door", "alice");
        assertThat(SessionIds.isWellFormed(s.id())).isTrue();
        assertThat(s.state()).isEqualTo(Session.State.CREATED);
        assertThat(s.createdAt()).isEqualTo(PlaybackFixture.START);
        assertThat(s.expiresAt()).isEqualTo(PlaybackFixture.START.plus(Duration.ofMinutes(30)));
        assertThat(s.lastRequestAt()).isNull();
        assertThat(f.sessions.find(s.id())).contains(s);
        assertThat(f.sessions.hasLiveSession("door")).isTrue();
        assertThat(f.sessions.hasLiveSession("garden")).isFalse();

        f.clock.advance(Duration.ofMinutes(30));
        assertThat(f.sessions.find(s.id())).as("expired, even before the sweep").isEmpty();
        assertThat(f.sessions.hasLiveSession("door")).isFalse();
        assertThat(f.sessions.live()).isEmpty();
    }

    @Test
    void idsAreUniqueAndUrlSafe() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = SessionIds.next();
            assertThat(SessionIds.isWellFormed(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
        assertThat(SessionIds.isWellFormed("../../../etc/passwd")).isFalse();
        assertThat(SessionIds.isWellFormed("AAAAAAAAAAAAAAAAAAAAA")).as("21 characters").isFalse();
        assertThat(SessionIds.isWellFormed("AAAAAAAAAAAAAAAAAAAA.A")).isFalse();
        assertThat(SessionIds.isWellFormed(null)).isFalse();
    }

    @Test
    void startIsIdempotentAndFiresOnce() {
        Session s = f.create("door", "alice");
        assertThat(f.sessions.start(s.id()).orElseThrow().state()).isEqualTo(Session.State.PLAYING);
        assertThat(f.sessions.start(s.id()).orElseThrow().state()).isEqualTo(Session.State.PLAYING);
        f.sessions.recordRequest(s.id());
        assertThat(f.events).containsExactly("started " + s.id());
    }

    @Test
    void firstRequestStartsTheSessionAndEveryRequestIsRecorded() {
        Session s = f.create("door", "alice");
        f.clock.advance(Duration.ofSeconds(3));
        Session first = f.sessions.recordRequest(s.id()).orElseThrow();
        assertThat(first.state()).isEqualTo(Session.State.PLAYING);
        assertThat(first.lastRequestAt()).isEqualTo(f.clock.instant());
        f.clock.advance(Duration.ofSeconds(4));
        assertThat(f.sessions.recordRequest(s.id()).orElseThrow().lastRequestAt()).isEqualTo(f.clock.instant());
        assertThat(f.events).containsExactly("started " + s.id());
    }

    @Test
    void endFiresEndedForAStartedSessionAndTheSessionIsGone() {
        Session s = f.create("door", "alice");
        f.sessions.start(s.id());
        Session ended = f.sessions.end(s.id()).orElseThrow();
        assertThat(ended.state()).isEqualTo(Session.State.ENDED);
        assertThat(f.sessions.find(s.id())).isEmpty();
        assertThat(f.sessions.end(s.id())).isEmpty();
        assertThat(f.sessions.start(s.id())).isEmpty();
        assertThat(f.events).containsExactly("started " + s.id(), "ended " + s.id() + " ENDED");
    }

    @Test
    void aSessionThatNeverStartedEndsWithoutEvents() {
        Session s = f.create("door", "alice");
        assertThat(f.sessions.end(s.id())).isPresent();
        assertThat(f.events).isEmpty();
    }

    @Test
    void extendMovesTheExpiry() {
        Session s = f.create("door", "alice");
        f.clock.advance(Duration.ofMinutes(25));
        Session extended = f.sessions.extend(s.id()).orElseThrow();
        assertThat(extended.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(30)));
        f.clock.advance(Duration.ofMinutes(10));
        assertThat(f.sessions.find(s.id())).isPresent();
        f.clock.advance(Duration.ofMinutes(30));
        assertThat(f.sessions.extend(s.id())).as("too late to extend").isEmpty();
    }

    @Test
    void refreshNeverExtendsASessionPastItsMaximumLifetime() {
        Duration lifetime = f.properties.getPlayback().getMaxSessionLifetime();
        assertThat(lifetime).as("the default").isEqualTo(Duration.ofHours(12));
        Session s = f.create("door", "alice");
        Instant hardEnd = s.createdAt().plus(lifetime);
        for (int i = 0; i < 12 * 3; i++) { // a viewer refreshing every 20 minutes
            f.clock.advance(Duration.ofMinutes(20));
            Optional<Session> refreshed = f.sessions.extend(s.id());
            if (refreshed.isEmpty()) {
                break;
            }
            assertThat(refreshed.get().expiresAt()).isBeforeOrEqualTo(hardEnd);
        }
        assertThat(f.clock.instant()).isBeforeOrEqualTo(hardEnd);
        f.clock.advance(Duration.between(f.clock.instant(), hardEnd));
        assertThat(f.sessions.find(s.id())).as("live at its hard end").isEmpty();
        assertThat(f.sessions.extend(s.id())).as("refreshed after its hard end").isEmpty();
    }

    @Test
    void aShortMaximumLifetimeCapsTheFirstExpiryToo() {
        LenswireProperties.Playback config = new LenswireProperties.Playback();
        config.setMaxSessionLifetime(Duration.ofMinutes(10));
        try (PlaybackSessions sessions = new PlaybackSessions(config, f.clock, List::of)) {
            Session s = sessions.create("door", "alice").orElseThrow();
            assertThat(s.expiresAt()).isEqualTo(s.createdAt().plus(Duration.ofMinutes(10)));
        }
    }

    @Test
    void refreshReplacesTheTokenIdAndOnlyTheCurrentTokenMayRefresh() {
        Session s = f.create("door", "alice");
        String first = s.tokenId();
        assertThat(first).isNotBlank();
        Session second = f.sessions.refresh(s.id(), first).orElseThrow();
        assertThat(second.tokenId()).isNotEqualTo(first);
        assertThat(f.sessions.refresh(s.id(), first)).as("the replaced token refreshes again").isEmpty();
        assertThat(f.sessions.find(s.id()).orElseThrow().tokenId()).isEqualTo(second.tokenId());
        assertThat(f.sessions.extend(s.id()).orElseThrow().tokenId()).as("an API-key refresh").isNotEqualTo(second.tokenId());
    }

    @Test
    void sweepRemovesExpiredSessionsAndTellsListeners() {
        Session playing = f.create("door", "alice");
        Session idle = f.create("door", "bob");
        f.sessions.start(playing.id());
        f.clock.advance(Duration.ofMinutes(10));
        Session later = f.create("garden", "carol");
        f.clock.advance(Duration.ofMinutes(21));

        assertThat(f.sessions.sweep()).isEqualTo(2);
        assertThat(f.sessions.live()).containsExactly(later);
        assertThat(f.sessions.find(idle.id())).isEmpty();
        assertThat(f.events).containsExactly("started " + playing.id(), "ended " + playing.id() + " ENDED");
        assertThat(f.sessions.sweep()).isZero();
    }

    @Test
    void sweeperThreadExpiresSessionsWithAShortTtl() throws Exception {
        LenswireProperties.Playback config = new LenswireProperties.Playback();
        config.setTokenTtl(Duration.ofSeconds(1));
        config.setSessionSweepInterval(Duration.ofMillis(50));
        CountDownLatch ended = new CountDownLatch(1);
        List<Session> seen = new CopyOnWriteArrayList<>();
        PlaybackSessionListener listener = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
            }

            @Override
            public void sessionEnded(Session session) {
                seen.add(session);
                ended.countDown();
            }
        };
        try (PlaybackSessions sessions = new PlaybackSessions(config, Clock.systemUTC(), () -> List.of(listener))) {
            Session s = sessions.create("door", "alice").orElseThrow();
            sessions.start(s.id());
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("swept within the TTL plus a few intervals").isTrue();
            assertThat(seen).singleElement().satisfies(e -> {
                assertThat(e.id()).isEqualTo(s.id());
                assertThat(e.state()).isEqualTo(Session.State.ENDED);
            });
            assertThat(sessions.live()).isEmpty();
            assertThat(sessions.hasLiveSession("door")).isFalse();
        }
    }

    @Test
    void closeStopsTheSweeperThread() throws Exception {
        LenswireProperties.Playback config = new LenswireProperties.Playback();
        int before = sweeperThreads();
        PlaybackSessions sessions = new PlaybackSessions(config, Clock.systemUTC(), List::of);
        sessions.create("door", "alice"); // make the executor start its thread
        sessions.close();
        assertThat(sweeperThreads()).isLessThanOrEqualTo(before);
    }

    private static int sweeperThreads() throws InterruptedException {
        Thread.sleep(50);
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("playback-session-sweeper") && t.isAlive()).count();
    }

    @Test
    void boundedByMaxSessions() {
        Session a = f.create("door", "a");
        f.create("door", "b");
        f.create("door", "c");
        assertThat(f.sessions.create("door", "d")).as("full").isEmpty();
        f.sessions.end(a.id());
        assertThat(f.sessions.create("door", "d")).isPresent();
        assertThat(f.sessions.create("door", "e")).isEmpty();
        f.clock.advance(Duration.ofMinutes(31));
        assertThat(f.sessions.create("door", "e")).as("expired sessions make room without waiting for the sweeper").isPresent();
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> calls = new CopyOnWriteArrayList<>();
        PlaybackSessionListener failing = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void sessionEnded(Session session) {
                throw new IllegalStateException("boom");
            }
        };
        PlaybackSessionListener counting = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
                calls.add("started");
            }

            @Override
            public void sessionEnded(Session session) {
                calls.add("ended");
            }
        };
        try (PlaybackSessions sessions = new PlaybackSessions(new LenswireProperties.Playback(), f.clock, () -> List.of(failing, counting))) {
            Session s = sessions.create("door", "alice").orElseThrow();
            assertThat(sessions.start(s.id())).isPresent();
            assertThat(sessions.end(s.id())).isPresent();
        }
        assertThat(calls).containsExactly("started", "ended");
    }

    @Test
    void listenerMayReadSessionsWhileBeingTold() {
        List<Boolean> live = new CopyOnWriteArrayList<>();
        PlaybackSessions[] holder = new PlaybackSessions[1];
        PlaybackSessionListener reader = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
                live.add(holder[0].hasLiveSession(session.cameraId()));
            }

            @Override
            public void sessionEnded(Session session) {
                live.add(holder[0].hasLiveSession(session.cameraId()));
            }
        };
        try (PlaybackSessions sessions = new PlaybackSessions(new LenswireProperties.Playback(), f.clock, () -> List.of(reader))) {
            holder[0] = sessions;
            Session s = sessions.create("door", "alice").orElseThrow();
            sessions.start(s.id());
            sessions.end(s.id());
        }
        assertThat(live).as("started: live; ended: gone already").containsExactly(true, false);
    }
}
