package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lenswire.config.LenswireProperties;
import io.lenswire.testing.MutableClock;

/**
 * A listener that is slow for one camera (the HLS side waits for that camera's muxer to stop, up
 * to 10 s) must not stall session changes of other cameras, and must not let the same camera's
 * events overtake each other.
 */
class PlaybackSessionsLockTest {

    private final CountDownLatch inSlowListener = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final PlaybackSessions sessions;

    PlaybackSessionsLockTest() {
        LenswireProperties.Playback config = new LenswireProperties.Playback();
        config.setSessionSweepInterval(Duration.ofHours(1));
        PlaybackSessionListener slowOnA = new PlaybackSessionListener() {
            @Override
            public void sessionStarted(Session session) {
                events.add("started " + session.cameraId() + " " + session.userId());
            }

            @Override
            public void sessionEnded(Session session) {
                if (session.cameraId().equals("A")) {
                    inSlowListener.countDown();
                    await(release);
                }
                events.add("ended " + session.cameraId() + " " + session.userId());
            }
        };
        sessions = new PlaybackSessions(config, new MutableClock(PlaybackFixture.START), () -> List.of(slowOnA));
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        sessions.close();
    }

    @Test
    void aListenerBlockedOnCameraADoesNotDelayCameraB() throws Exception {
        Session a = sessions.create("A", "a1").orElseThrow();
        sessions.start(a.id());
        CompletableFuture<?> endingA = CompletableFuture.runAsync(() -> sessions.end(a.id()));
        assertThat(inSlowListener.await(5, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        Session b = sessions.create("B", "b1").orElseThrow();
        assertThat(sessions.start(b.id())).isPresent();
        assertThat(sessions.end(b.id())).isPresent();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("ms to create, start and end a session on B while A's listener blocks").isLessThan(100);
        assertThat(events).containsExactly("started A a1", "started B b1", "ended B b1");

        release.countDown();
        endingA.get(5, TimeUnit.SECONDS);
        assertThat(events).endsWith("ended A a1");
    }

    @Test
    void theSameCamerasEventsKeepTheirOrder() throws Exception {
        Session first = sessions.create("A", "a1").orElseThrow();
        sessions.start(first.id());
        CompletableFuture<?> ending = CompletableFuture.runAsync(() -> sessions.end(first.id()));
        assertThat(inSlowListener.await(5, TimeUnit.SECONDS)).isTrue();

        Session second = sessions.create("A", "a2").orElseThrow();
        CompletableFuture<?> starting = CompletableFuture.runAsync(() -> sessions.start(second.id()));
        Thread.sleep(200);
        assertThat(starting).as("A's next start waits for A's end to be announced").isNotDone();

        release.countDown();
        ending.get(5, TimeUnit.SECONDS);
        starting.get(5, TimeUnit.SECONDS);
        assertThat(events).containsExactly("started A a1", "ended A a1", "started A a2");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
