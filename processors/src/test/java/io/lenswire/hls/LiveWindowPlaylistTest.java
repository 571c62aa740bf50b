package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The playlists a {@link LiveWindow} renders, checked by {@link LlHlsPlaylistChecker} after every
 * change the producer makes (and each against the one before it, as a client reloading sees them);
 * where the window offers delta updates, each delta too, rebuilt against the full playlist before.
 */
class LiveWindowPlaylistTest {

    private static final long T0 = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    private static LiveWindowSettings settings(int maxSegments, long maxBytes) {
        return new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), maxSegments, maxBytes, 1000);
    }

    /** Drives a window and checks every playlist it renders, each also as the reload of the one before. */
    private static final class Driver {
        final LiveWindow window;
        final String token;
        final List<String> seen = new ArrayList<>();
        long pdt = T0;
        int checked;
        /** Delta updates that skipped something, each checked against the full playlists before and at its time. */
        int deltas;

        Driver(LiveWindow window, String token) {
            this.window = window;
            this.token = token;
        }

        void check() {
            window.playlist(token).ifPresent(p -> {
                String delta = window.playlist(token, true).orElseThrow();
                if (seen.isEmpty()) {
                    LlHlsPlaylistChecker.assertConforms(p, token);
                    assertThat(delta).as("nothing to skip yet").isEqualTo(p);
                } else {
                    String previous = seen.get(seen.size() - 1);
                    LlHlsPlaylistChecker.assertConforms(previous, p, token);
                    if (!delta.equals(p)) {
                        LlHlsPlaylistChecker.assertDeltaOf(previous, delta, p, token);
                        deltas++;
                    }
                }
                seen.add(p);
                checked++;
            });
        }

        /** One segment of parts of these durations (ms), each part {@code partBytes} long, checked after each step. */
        void segment(int partBytes, long... partMillis) {
            window.beginSegment(pdt);
            check();
            for (int i = 0; i < partMillis.length; i++) {
                window.addPart(new byte[partBytes], partMillis[i] * 1000, i == 0);
                check();
            }
            window.endSegment();
            check();
            pdt += Arrays.stream(partMillis).sum();
        }

        String last() {
            return seen.get(seen.size() - 1);
        }

        /** {@code count} one-second segments of five 200 ms parts, then an open segment with one part. */
        void secondsThenOnePart(int count) {
            for (int s = 0; s < count; s++) {
                segment(10, 200, 200, 200, 200, 200);
            }
            window.beginSegment(pdt);
            window.addPart(new byte[10], 200_000, true);
            check();
        }
    }

    @Test
    void theFirstPlaylistsAreExactlyWhatTheSpecAsks() {
        try (LiveWindow window = new LiveWindow(settings(5, 1 << 20))) {
            window.newInit(new byte[10]);
            assertThat(window.playlist(null)).as("no part yet").isEmpty();
            window.beginSegment(T0);
            assertThat(window.playlist(null)).as("an open segment without parts").isEmpty();
            for (int i = 0; i < 5; i++) {
                window.addPart(new byte[100], 200_000, i == 0);
            }
            window.endSegment();
            window.beginSegment(T0 + 1000);
            window.addPart(new byte[100], 200_000, true);
            window.addPart(new byte[100], 200_000, false);

            String playlist = window.playlist(null).orElseThrow();
            assertThat(playlist).isEqualTo("""
                    #EXTM3U
                    #EXT-X-VERSION:9
                    #EXT-X-TARGETDURATION:1
                    #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,HOLD-BACK=3.000
                    #EXT-X-PART-INF:PART-TARGET=0.200
                    #EXT-X-MEDIA-SEQUENCE:0
                    #EXT-X-INDEPENDENT-SEGMENTS
                    #EXT-X-MAP:URI="init_0.mp4"
                    #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z
                    #EXT-X-PART:DURATION=0.200,URI="part_000000_0.m4s",INDEPENDENT=YES
                    #EXT-X-PART:DURATION=0.200,URI="part_000000_1.m4s"
                    #EXT-X-PART:DURATION=0.200,URI="part_000000_2.m4s"
                    #EXT-X-PART:DURATION=0.200,URI="part_000000_3.m4s"
                    #EXT-X-PART:DURATION=0.200,URI="part_000000_4.m4s"
                    #EXTINF:1.000,
                    seg_000000.m4s
                    #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:01.000Z
                    #EXT-X-PART:DURATION=0.200,URI="part_000001_0.m4s",INDEPENDENT=YES
                    #EXT-X-PART:DURATION=0.200,URI="part_000001_1.m4s"
                    #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000001_2.m4s"
                    """);
            LlHlsPlaylistChecker.assertConforms(playlist, null);
            window.endSegment();
            assertThat(window.playlist(null).orElseThrow())
                    .as("between segments the hint names the next segment's first part")
                    .endsWith("seg_000001.m4s\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_000002_0.m4s\"\n");
        }
    }

    @Test
    void aWindowNumberedByCaptureTimeCountsOnFromItsFirstSegment() {
        try (LiveWindow window = LiveWindow.numberedByCaptureTime(settings(3, 1 << 20))) {
            Driver d = new Driver(window, "t");
            window.newInit(new byte[10]);
            d.segment(100, 200, 200, 200, 200, 200);
            long first = T0 / 1000;
            assertThat(d.last()).startsWith("#EXTM3U").contains("#EXT-X-MEDIA-SEQUENCE:" + first + "\n")
                    .doesNotContain("DISCONTINUITY")
                    .contains("#EXT-X-MAP:URI=\"init_0.mp4?token=t\"\n#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z\n")
                    .contains("seg_" + first + ".m4s?token=t");
            window.beginSegment(d.pdt);
            window.addPart(new byte[100], 200_000, true);
            window.newInit(new byte[20]); // a reconnect: one more discontinuity, in the middle
            d.check();
            d.pdt += 3_000;
            for (int s = 0; s < 4; s++) {
                d.segment(100, 200, 200, 200, 200, 200);
            }
            // numbering counts on from the first segment: a gap in capture time is no gap in numbers
            assertThat(d.last()).contains("#EXT-X-MEDIA-SEQUENCE:" + (first + 3) + "\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
                    .doesNotContain("#EXT-X-DISCONTINUITY\n").contains("seg_" + (first + 5) + ".m4s");
            assertThat(d.checked).isGreaterThan(30);
        }
    }

    @Test
    void aReconnectStartsADiscontinuityWithTheNewInitAndCountingItOnceItIsEvicted() {
        try (LiveWindow window = new LiveWindow(settings(3, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            for (int s = 0; s < 4; s++) {
                d.segment(100, 200, 200, 200, 200, 200);
            }
            window.beginSegment(d.pdt);
            window.addPart(new byte[100], 200_000, true);
            window.newInit(new byte[20]); // the camera reconnected mid-segment: segment 4 ends with one part
            d.check();
            d.pdt += 200 + 5_000; // segment 4's one part, then the camera was away for 5 s
            d.segment(100, 200, 200, 200, 200, 200);
            assertThat(d.last()).contains("#EXTINF:0.200,\nseg_000004.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init_1.mp4\"\n"
                    + "#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:09.200Z\n");
            assertThat(d.last()).doesNotContain("DISCONTINUITY-SEQUENCE");
            assertThat(window.init(0)).as("segments 2 to 4 still use init 0").isPresent();
            for (int s = 0; s < 3; s++) {
                d.segment(100, 200, 200, 200, 200, 200);
            }
            // segments 6..8 left; segment 5 (the discontinuity) evicted
            assertThat(d.last()).contains("#EXT-X-MEDIA-SEQUENCE:6\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
                    .doesNotContain("#EXT-X-DISCONTINUITY\n").doesNotContain("init_0.mp4");
            assertThat(window.init(0)).as("no kept segment uses init 0").isEmpty();
            assertThat(window.init(1).map(LentBytes::toArray)).contains(new byte[20]);
            assertThat(window.bytes()).as("init 1 and three segments of five 100-byte parts").isEqualTo(20 + 3 * 500);
            assertThat(d.checked).isGreaterThan(40);
        }
    }

    @Test
    void aReconnectBeforeAnySegmentIsNoDiscontinuityAndAnAbandonedSegmentReusesItsNumber() {
        try (LiveWindow window = new LiveWindow(settings(3, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            window.beginSegment(T0);
            window.newInit(new byte[11]); // nothing was produced with init 0
            assertThat(window.init(0)).isEmpty();
            d.segment(100, 200, 200);
            assertThat(d.last()).contains("init_1.mp4").doesNotContain("#EXT-X-DISCONTINUITY");
            window.newInit(new byte[12]);
            window.beginSegment(d.pdt);
            window.endSegment(); // abandoned: no part
            d.segment(100, 200);
            assertThat(d.last()).contains("seg_000000.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init_2.mp4\"\n")
                    .contains("seg_000001.m4s").doesNotContain("seg_000002.m4s");
            assertThat(window.bytes()).isEqualTo(11 + 12 + 300);
        }
    }

    @Test
    void evictionByCountKeepsTheLastSegmentsAndForgetsTheOthers() {
        try (LiveWindow window = new LiveWindow(settings(4, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            for (int s = 0; s < 20; s++) {
                d.segment(1000, 200, 200, 200, 200, 200);
            }
            assertThat(d.last()).startsWith("#EXTM3U").contains("#EXT-X-MEDIA-SEQUENCE:16\n");
            assertThat(d.last().split("#EXTINF", -1)).hasSize(5);
            assertThat(window.segment(15)).isEmpty();
            assertThat(window.part(15, 0)).isEmpty();
            assertThat(window.segment(16)).get().extracting(b -> b.length).isEqualTo(5000);
            assertThat(window.bytes()).isEqualTo(10 + 4 * 5000);
        }
    }

    @Test
    void evictionByBytesDropsOldestCompleteSegmentsButNeverTheOpenOne() {
        // 3 500 bytes: init (100) and three 1 000-byte segments fit, a fourth does not
        try (LiveWindow window = new LiveWindow(settings(10, 3_500))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[100]);
            for (int s = 0; s < 6; s++) {
                d.segment(200, 200, 200, 200, 200, 200);
                assertThat(window.bytes()).isLessThanOrEqualTo(3_500);
            }
            assertThat(d.last()).contains("#EXT-X-MEDIA-SEQUENCE:3\n");
            assertThat(window.bytes()).isEqualTo(100 + 3 * 1000);
            // an open segment larger than the bound: every complete one goes, the open one stays listed
            window.beginSegment(d.pdt);
            for (int i = 0; i < 4; i++) {
                window.addPart(new byte[1000], 200_000, i == 0);
                d.check();
            }
            assertThat(window.bytes()).isEqualTo(100 + 4000);
            assertThat(d.last()).contains("#EXT-X-MEDIA-SEQUENCE:6\n").doesNotContain("#EXTINF")
                    .contains("part_000006_3.m4s").endsWith("URI=\"part_000006_4.m4s\"\n");
            assertThat(window.segment(5)).isEmpty();
            assertThat(window.part(6, 3)).isPresent();
        }
    }

    @Test
    void theTokenIsOnEveryUriAndTheCheckerWantsIt() {
        try (LiveWindow window = new LiveWindow(settings(3, 1 << 20))) {
            String token = "eyJ0eXAi.eyJzdWIi.c2ln%2B%2F";
            Driver d = new Driver(window, token);
            window.newInit(new byte[10]);
            for (int s = 0; s < 3; s++) {
                d.segment(100, 200, 200, 200, 200, 200);
            }
            window.newInit(new byte[10]);
            d.segment(100, 200, 200);
            window.beginSegment(d.pdt);
            window.addPart(new byte[1], 100_000, true);
            d.check();
            String playlist = d.last();
            long uris = playlist.lines().filter(l -> l.contains("URI=\"") || !l.startsWith("#")).count();
            assertThat(playlist.split("\\?token=" + token.replace("+", "\\+"), -1)).hasSize((int) uris + 1);
            assertThat(uris).as("2 maps, parts, 4 segments, the hint").isGreaterThan(10);
            assertThat(LlHlsPlaylistChecker.violations(window.playlist(null).orElseThrow(), token))
                    .as("a playlist without the token").isNotEmpty();
            assertThat(LlHlsPlaylistChecker.violations(window.playlist("other").orElseThrow(), token)).isNotEmpty();
        }
    }

    @Test
    void theTargetDurationCoversALongSegmentAndNeverComesBackDown() {
        try (LiveWindow window = new LiveWindow(settings(2, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            d.segment(10, 200, 200, 200, 200, 200);
            assertThat(d.last()).contains("#EXT-X-TARGETDURATION:1\n");
            d.segment(10, 200, 200, 200, 200, 200, 200, 200, 200); // a camera GOP of 1.6 s: rounds to 2
            assertThat(d.last()).contains("#EXT-X-TARGETDURATION:2\n", "HOLD-BACK=6.000");
            for (int s = 0; s < 4; s++) {
                d.segment(10, 200, 200, 200, 200, 200);
            }
            assertThat(d.last()).contains("#EXT-X-TARGETDURATION:2\n").doesNotContain("#EXTINF:1.600");
            d.segment(10, 200, 200, 200, 200, 200, 200, 100); // 1.4 s rounds to 1: no change
            assertThat(d.last()).contains("#EXT-X-TARGETDURATION:2\n");
        }
    }

    @Test
    void partsAreListedOnlyWithinThreeTargetDurationsOfTheEnd() {
        try (LiveWindow window = new LiveWindow(settings(8, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            d.secondsThenOnePart(8);
            // 1.2 s ... the segment starting 3.2 s before the end is out, the one 2.2 s before is in
            assertThat(d.last()).doesNotContain("part_000004_").doesNotContain("part_000005_").contains("part_000006_0", "part_000007_4");
            assertThat(window.part(4, 0)).as("unlisted parts are still served").isPresent();
        }
    }

    @Test
    void oddDurationsPrintAsPartsThatSumExactlyToTheirSegment() {
        try (LiveWindow window = new LiveWindow(settings(3, 1 << 20))) {
            window.newInit(new byte[10]);
            window.beginSegment(T0);
            long[] micros = {199_999, 133_467, 166_833, 200_000, 100_500, 199_501};
            for (int i = 0; i < micros.length; i++) {
                window.addPart(new byte[1], micros[i], i == 0);
            }
            window.endSegment();
            String playlist = window.playlist(null).orElseThrow();
            LlHlsPlaylistChecker.assertConforms(playlist, null);
            // 1000.300 ms in all
            assertThat(playlist).contains("#EXTINF:1.000,").contains("DURATION=0.200,URI=\"part_000000_0.m4s\"")
                    .contains("DURATION=0.133,", "DURATION=0.167,", "DURATION=0.101,", "DURATION=0.199,");
        }
    }

    @Test
    void aWindowOfMoreThanSixSegmentsOffersDeltaUpdatesSkippingWhatEndsBeforeTheBoundary() {
        try (LiveWindow window = new LiveWindow(settings(7, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            d.secondsThenOnePart(8);
            String full = window.playlist(null).orElseThrow();
            assertThat(full).contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,HOLD-BACK=3.000,CAN-SKIP-UNTIL=6.000\n")
                    .contains("#EXT-X-MEDIA-SEQUENCE:1\n").doesNotContain("EXT-X-SKIP");
            // segments 1..7 complete, 8 open with 0.2 s: segment 1 ends 6.2 s before the end, segment 2 5.2 s
            String delta = window.playlist(null, true).orElseThrow();
            assertThat(delta).isEqualTo("""
                    #EXTM3U
                    #EXT-X-VERSION:9
                    #EXT-X-TARGETDURATION:1
                    #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,HOLD-BACK=3.000,CAN-SKIP-UNTIL=6.000
                    #EXT-X-PART-INF:PART-TARGET=0.200
                    #EXT-X-MEDIA-SEQUENCE:1
                    #EXT-X-INDEPENDENT-SEGMENTS
                    #EXT-X-SKIP:SKIPPED-SEGMENTS=1
                    #EXT-X-MAP:URI="init_0.mp4"
                    #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:02.000Z
                    #EXTINF:1.000,
                    seg_000002.m4s
                    """ + full.substring(full.indexOf("#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:03.000Z")));
            assertThat(d.deltas).as("deltas once a segment ended 6 s before the end").isGreaterThan(5);
        }
    }

    @Test
    void deltaUpdatesRebuildTheFullPlaylistAcrossAReconnect() {
        try (LiveWindow window = new LiveWindow(settings(12, 1 << 20))) {
            Driver d = new Driver(window, "t.o.k");
            window.newInit(new byte[10]);
            for (int s = 0; s < 10; s++) {
                d.segment(10, 200, 200, 200, 200, 200);
            }
            window.beginSegment(d.pdt);
            window.addPart(new byte[10], 200_000, true);
            window.newInit(new byte[20]); // a reconnect: the discontinuity moves into the skipped range below
            d.check();
            d.pdt += 1_200;
            int before = d.deltas;
            for (int s = 0; s < 13; s++) { // the last one evicts the reconnect's segment
                d.segment(10, 200, 200, 200, 200, 200);
                if (s == 7) {
                    String delta = window.playlist("t.o.k", true).orElseThrow();
                    assertThat(delta).as("the reconnect's segment is skipped, its discontinuity counted in the header")
                            .doesNotContain("#EXT-X-DISCONTINUITY\n").contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=")
                            .contains("#EXT-X-MAP:URI=\"init_1.mp4?token=t.o.k\"\n");
                }
            }
            assertThat(d.deltas - before).isGreaterThan(40);
            assertThat(d.last()).contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n");
        }
    }

    @Test
    void aWindowOfSixSegmentsCouldSkipNothingAndOffersNoDeltaUpdates() {
        try (LiveWindow window = new LiveWindow(settings(6, 1 << 20))) {
            Driver d = new Driver(window, null);
            window.newInit(new byte[10]);
            for (int s = 0; s < 10; s++) {
                d.segment(10, 200, 200, 200, 200, 200);
            }
            assertThat(d.last()).doesNotContain("CAN-SKIP-UNTIL");
            assertThat(window.playlist(null, true)).contains(d.last());
            assertThat(d.deltas).isZero();
        }
    }
}
