package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class VisitTrackerTest {

    private static DetectedFace face(float x) {
        return new DetectedFace(x, 100, 100, 120, 0.9f, new float[10]);
    }

    @Test
    void aStableTrackIsRecognizedEveryNthFrameAndAgainWhenItMovesOrDisagrees() {
        VisitTracker tracker = new VisitTracker(3, 5);
        VisitTracker.Track t = null;
        List<Boolean> asked = new java.util.ArrayList<>();
        for (int i = 0; i < 15; i++) {
            t = tracker.next(List.of(face(100))).get(0);
            boolean need = tracker.needsRecognition(t, 5);
            asked.add(need);
            if (need) {
                tracker.vote(t, 7);
            }
        }
        // the first window votes every frame; then every fifth frame
        assertThat(asked.subList(0, 5)).containsOnly(true);
        assertThat(asked.subList(5, 15)).containsExactly(false, false, false, false, true, false, false, false, false, true);
        assertThat(tracker.decision(t)).isEqualTo(7);
        // the face jumps (box overlap below 0.6): recognized at once
        t = tracker.next(List.of(face(140))).get(0);
        assertThat(tracker.needsRecognition(t, 5)).isTrue();
        tracker.vote(t, VisitTracker.UNKNOWN);
        // the window now disagrees: every frame until it agrees again
        t = tracker.next(List.of(face(140))).get(0);
        assertThat(tracker.needsRecognition(t, 5)).isTrue();
        // every-1 never skips
        VisitTracker every = new VisitTracker(3, 5);
        for (int i = 0; i < 12; i++) {
            VisitTracker.Track u = every.next(List.of(face(100))).get(0);
            assertThat(every.needsRecognition(u, 1)).isTrue();
            every.vote(u, 7);
        }
    }

    @Test
    void aNameNeedsEnoughAgreeingFramesOfOneVisit() {
        VisitTracker tracker = new VisitTracker(3, 5);
        VisitTracker.Track t = tracker.next(List.of(face(100))).get(0);
        tracker.vote(t, 1);
        assertThat(tracker.decision(t)).isEqualTo(VisitTracker.UNKNOWN);
        assertThat(tracker.next(List.of(face(105))).get(0)).isSameAs(t);
        tracker.vote(t, 1);
        assertThat(tracker.decision(t)).isEqualTo(VisitTracker.UNKNOWN);
        tracker.next(List.of(face(108)));
        tracker.vote(t, 1);
        assertThat(tracker.decision(t)).isEqualTo(1);
        // three unknown frames in a row push the name out of the window
        for (int i = 0; i < 3; i++) {
            tracker.next(List.of(face(110)));
            tracker.vote(t, VisitTracker.UNKNOWN);
        }
        assertThat(tracker.decision(t)).isEqualTo(VisitTracker.UNKNOWN);
    }

    @Test
    void aFaceElsewhereIsAnotherVisit() {
        VisitTracker tracker = new VisitTracker(2, 3);
        VisitTracker.Track a = tracker.next(List.of(face(100))).get(0);
        tracker.vote(a, 1);
        tracker.vote(a, 1);
        List<VisitTracker.Track> both = tracker.next(List.of(face(102), face(800)));
        assertThat(both.get(0)).isSameAs(a);
        assertThat(both.get(1)).isNotSameAs(a);
        assertThat(tracker.decision(both.get(1))).isEqualTo(VisitTracker.UNKNOWN);
        for (int i = 0; i <= VisitTracker.MAX_MISSED_FRAMES; i++) {
            tracker.next(List.of());
        }
        assertThat(tracker.activeTracks()).isZero();
    }

    @Test
    void splitVotesGiveNoName() {
        VisitTracker tracker = new VisitTracker(3, 5);
        VisitTracker.Track t = tracker.next(List.of(face(100))).get(0);
        for (long id : new long[] {1, 2, 1, 2, VisitTracker.UNKNOWN}) {
            tracker.vote(t, id);
        }
        assertThat(tracker.decision(t)).isEqualTo(VisitTracker.UNKNOWN);
    }
}
