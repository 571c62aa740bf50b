package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CameraRemovalEndsSessionsTest {

    private final PlaybackFixture f = new PlaybackFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void removingACameraEndsItsSessionsAndNoOtherCamerasOnes() {
        Session playing = f.create("a", "alice");
        f.sessions.start(playing.id());
        Session created = f.create("a", "bob");
        Session other = f.create("x-a", "carol");
        f.sessions.start(other.id());

        new CameraRemovalEndsSessions(f.sessions).cameraRemoving("a");

        assertThat(f.sessions.find(playing.id())).isEmpty();
        assertThat(f.sessions.find(created.id())).isEmpty();
        assertThat(f.sessions.hasLiveSession("a")).as("a camera added again under the id starts clean").isFalse();
        assertThat(f.sessions.find(other.id())).isPresent();
        assertThat(f.sessions.hasLiveSession("x-a")).isTrue();
        // a started session ends as if deleted (its listeners hear it); one never started ends silently
        assertThat(f.events).containsExactlyInAnyOrder(
                "started " + playing.id(), "started " + other.id(), "ended " + playing.id() + " ENDED");
    }
}
