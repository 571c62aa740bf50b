package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class CaptureClockTest {

    private static final long CAPTURED = Instant.parse("2026-11-26T05:00:00.000Z").toEpochMilli();

    private static String playlist(long sequence, String... segments) {
        StringBuilder s = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:")
                .append(sequence).append("\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        for (String segment : segments) {
            s.append(segment);
        }
        return s.toString();
    }

    private static String segment(long number, String ffmpegDate) {
        return "#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:" + ffmpegDate + "\n" + String.format("seg_%06d.m4s", number) + "\n";
    }

    private static List<String> dates(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))
                .map(l -> l.substring("#EXT-X-PROGRAM-DATE-TIME:".length())).toList();
    }

    @Test
    void movesFfmpegsDatesToWhenTheFirstPacketWasReceived() {
        CaptureClock clock = new CaptureClock();
        clock.anchor(0, CAPTURED);
        String first = playlist(0, segment(0, "2026-11-26T05:00:01.700+0000"));
        assertThat(dates(clock.correct(first))).containsExactly("2026-11-26T05:00:00.000+0000");

        String later = playlist(2, segment(2, "2026-11-26T05:00:03.700+0000"), segment(3, "2026-11-26T05:00:04.700+0000"));
        assertThat(dates(clock.correct(later))).as("same offset for the rest of the context")
                .containsExactly("2026-11-26T05:00:02.000+0000", "2026-11-26T05:00:03.000+0000");
    }

    @Test
    void leavesDatesAloneUntilItHasSeenTheAnchorsSegment() {
        CaptureClock clock = new CaptureClock();
        String noAnchor = playlist(0, segment(0, "2026-11-26T05:00:01.700+0000"));
        assertThat(clock.correct(noAnchor)).isEqualTo(noAnchor);

        clock.anchor(5, CAPTURED);
        String anchorScrolledOut = playlist(6, segment(6, "2026-11-26T05:00:01.700+0000"));
        assertThat(clock.correct(anchorScrolledOut)).as("FFmpeg's date for segment 5 is unknown").isEqualTo(anchorScrolledOut);
    }

    @Test
    void eachMuxerContextHasItsOwnOffset() {
        CaptureClock clock = new CaptureClock();
        clock.anchor(0, CAPTURED);
        clock.anchor(3, CAPTURED + 30_000); // reconnected 30 s later; whatever FFmpeg dates it, the anchor decides
        String text = playlist(1,
                segment(1, "2026-11-26T05:00:02.500+0000"),
                segment(2, "2026-11-26T05:00:03.500+0000"),
                "#EXT-X-DISCONTINUITY\n",
                segment(3, "2026-11-26T05:00:04.500+0000"),
                segment(4, "2026-11-26T05:00:05.500+0000"));
        clock.correct(playlist(0, segment(0, "2026-11-26T05:00:01.500+0000")));
        assertThat(dates(clock.correct(text))).containsExactly(
                "2026-11-26T05:00:01.000+0000", "2026-11-26T05:00:02.000+0000",
                "2026-11-26T05:00:30.000+0000", "2026-11-26T05:00:31.000+0000");
    }

    @Test
    void keepsEverythingElseAsItWas() {
        CaptureClock clock = new CaptureClock();
        clock.anchor(0, CAPTURED);
        String original = playlist(0, segment(0, "2026-11-26T05:00:01.700+0000"));
        String corrected = clock.correct(original);
        assertThat(corrected.lines().filter(l -> !l.startsWith("#EXT-X-PROGRAM-DATE-TIME")).toList())
                .isEqualTo(original.lines().filter(l -> !l.startsWith("#EXT-X-PROGRAM-DATE-TIME")).toList());
        assertThat(corrected.endsWith("\n")).isEqualTo(original.endsWith("\n"));
    }
}
