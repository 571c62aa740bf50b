package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class LiveAnswerTest {

    private static final long NONE = LiveAnswer.NONE;

    /** Init 0; segment 0 complete (parts {0}, {1}); segment 1 open with one part {2}. */
    private static LiveWindow window() {
        LiveWindow w = new LiveWindow(new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 5, 1 << 20, 10));
        w.newInit(new byte[] {7, 7});
        w.beginSegment(0);
        w.addPart(new byte[] {0}, 200_000, true);
        w.addPart(new byte[] {1}, 200_000, false);
        w.endSegment();
        w.beginSegment(1_000);
        w.addPart(new byte[] {2}, 200_000, true);
        return w;
    }

    @Test
    void aPlaylistIsAnsweredOnlyWhenItsBlockingReloadIsSatisfied() {
        try (LiveWindow w = window()) {
            LiveAnswer plain = LiveAnswer.playlist(w, NONE, NONE, false, null).orElseThrow();
            assertThat(plain.contentType()).isEqualTo("application/vnd.apple.mpegurl");
            assertThat(plain.cacheControl()).isEqualTo("no-cache, no-store");
            assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo(w.playlist(null).orElseThrow());
            assertThat(LiveAnswer.playlist(w, 1, 0, false, null)).as("the open segment's first part").isPresent();
            assertThat(LiveAnswer.playlist(w, 0, NONE, false, null)).as("a complete segment").isPresent();
            assertThat(LiveAnswer.playlist(w, 1, 1, false, null)).as("pending").isEmpty();
            assertThat(LiveAnswer.playlist(w, 1, NONE, false, null)).as("the open segment, whole").isEmpty();
            assertThat(LiveAnswer.playlist(w, 9, 0, false, null)).as("too far").isEmpty();
        }
    }

    @Test
    void thePlaylistRepeatsTheQueryTokenOnEveryUri() {
        try (LiveWindow w = window()) {
            String text = new String(LiveAnswer.playlist(w, NONE, NONE, false, "t.o.k").orElseThrow().body(), StandardCharsets.UTF_8);
            assertThat(text).isEqualTo(w.playlist("t.o.k").orElseThrow()).contains("init_0.mp4?token=t.o.k\"");
        }
    }

    @Test
    void noPlaylistBeforeTheFirstPart() {
        try (LiveWindow w = new LiveWindow(new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 5, 1 << 20, 10))) {
            w.newInit(new byte[1]);
            assertThat(LiveAnswer.playlist(w, NONE, NONE, false, null)).isEmpty();
        }
    }

    @Test
    void filesAreAnsweredByTheirPlaylistNames() {
        try (LiveWindow w = window()) {
            LiveAnswer init = LiveAnswer.file(w, "init_0.mp4").orElseThrow();
            assertThat(init.contentType()).isEqualTo("video/mp4");
            assertThat(init.body()).containsExactly(7, 7);
            LiveAnswer part = LiveAnswer.file(w, "part_000001_0.m4s").orElseThrow();
            assertThat(part.contentType()).isEqualTo("video/iso.segment");
            assertThat(part.cacheControl()).isEqualTo("private, max-age=60");
            assertThat(part.body()).containsExactly(2);
            LiveAnswer segment = LiveAnswer.file(w, "seg_000000.m4s").orElseThrow();
            assertThat(segment.body()).containsExactly(0, 1).isEqualTo(w.segment(0).orElseThrow());
            // written part after part, without a copy into one array first
            assertThat(segment.chunks()).hasSize(2);
            assertThat(segment.chunks().get(1).array()).isSameAs(w.part(0, 1).orElseThrow().chunks().get(0).array());
            assertThat(segment.length()).isEqualTo(2);
            assertThat(LiveAnswer.file(w, "seg_000001.m4s")).as("open").isEmpty();
            assertThat(LiveAnswer.file(w, "part_000001_1.m4s")).as("not cut yet").isEmpty();
            assertThat(LiveAnswer.file(w, "init_1.mp4")).isEmpty();
            assertThat(LiveAnswer.file(w, "playlist.m3u8")).isEmpty();
            assertThat(LiveAnswer.file(w, "seg_1.m4s")).as("not a name the playlist gives").isEmpty();
        }
    }

    @Test
    void anAnswerLendsTheWindowsArraysUntilClosedAndItsBodyIsACopyThatOutlivesTheLoan() {
        LiveWindow w = new LiveWindow(new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 1, 1 << 20, 10));
        try (w) {
            w.newInit(new byte[] {7});
            byte[] kept = cutSegment(w, (byte) 1); // segment 0
            byte[] lent = cutSegment(w, (byte) 2); // segment 1; segment 0 dropped: nobody held it
            assertThat(w.buffer(100)).as("segment 0's array, cut into again").isSameAs(kept);
            LiveAnswer open = LiveAnswer.file(w, "part_000001_0.m4s").orElseThrow();
            byte[] body = open.body();
            assertThat(body).hasSize(100).containsOnly(2);
            cutSegment(w, (byte) 3); // segment 1 dropped while the answer holds it
            assertThat(w.buffer(100)).as("not handed back while lent").isNotSameAs(lent);
            open.close();
            assertThat(body).as("the body is the answer's own").containsOnly(2);
            try (LiveAnswer closed = LiveAnswer.file(w, "part_000002_0.m4s").orElseThrow()) {
                assertThat(closed.chunks()).singleElement().extracting(Chunk::length).isEqualTo(100);
            }
            byte[] third = w.part(2, 0).map(l -> {
                try (l) {
                    return l.chunks().get(0).array();
                }
            }).orElseThrow();
            cutSegment(w, (byte) 4); // segment 2 dropped, its loans all closed
            assertThat(w.buffer(100)).as("handed back once its answers were closed").isSameAs(third);
        }
    }

    /** A segment of one 100-byte part cut into the window's array, filled with {@code value}; its array. */
    private static byte[] cutSegment(LiveWindow w, byte value) {
        w.beginSegment(0);
        byte[] buffer = w.buffer(100);
        java.util.Arrays.fill(buffer, value);
        w.addPart(new Chunk(buffer, 100), 200_000, true);
        w.endSegment();
        return buffer;
    }

    @Test
    void blockingReloadNumbersAreStrictDecimals() {
        assertThat(LiveAnswer.number(null)).isEqualTo(NONE);
        assertThat(LiveAnswer.number("0")).isZero();
        assertThat(LiveAnswer.number("007")).isEqualTo(7);
        assertThat(LiveAnswer.number("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
        for (String bad : new String[] {"", "-1", "+1", "1a", " 1", "1.0", "1000000000000000000"}) {
            assertThatThrownBy(() -> LiveAnswer.number(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void onlyTheSkipValuesTheSpecDefinesAskForADeltaUpdate() {
        assertThat(LiveAnswer.skip(null)).isFalse();
        assertThat(LiveAnswer.skip("YES")).isTrue();
        assertThat(LiveAnswer.skip("v2")).isTrue();
        for (String bad : new String[] {"", "yes", "NO", "V2", "v3", "YES "}) {
            assertThatThrownBy(() -> LiveAnswer.skip(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
