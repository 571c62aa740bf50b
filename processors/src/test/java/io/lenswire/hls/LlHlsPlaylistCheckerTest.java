package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The checker passes a good playlist and names what is wrong in hand-broken ones. */
class LlHlsPlaylistCheckerTest {

    /** Two init sections, a discontinuity, an open segment: most rules have something to bite on. */
    private static final String GOOD = """
            #EXTM3U
            #EXT-X-VERSION:9
            #EXT-X-TARGETDURATION:1
            #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,HOLD-BACK=3.000
            #EXT-X-PART-INF:PART-TARGET=0.200
            #EXT-X-MEDIA-SEQUENCE:7
            #EXT-X-DISCONTINUITY-SEQUENCE:2
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="init_3.mp4?token=t"
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z
            #EXTINF:1.000,
            seg_000007.m4s?token=t
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:01.000Z
            #EXT-X-PART:DURATION=0.200,URI="part_000008_0.m4s?token=t",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.200,URI="part_000008_1.m4s?token=t"
            #EXT-X-PART:DURATION=0.150,URI="part_000008_2.m4s?token=t"
            #EXTINF:0.550,
            seg_000008.m4s?token=t
            #EXT-X-DISCONTINUITY
            #EXT-X-MAP:URI="init_4.mp4?token=t"
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:09.000Z
            #EXT-X-PART:DURATION=0.200,URI="part_000009_0.m4s?token=t",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.200,URI="part_000009_1.m4s?token=t",INDEPENDENT=YES
            #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000009_2.m4s?token=t"
            """;

    @Test
    void aGoodPlaylistHasNoViolation() {
        assertThat(LlHlsPlaylistChecker.violations(GOOD, "t")).isEmpty();
        LlHlsPlaylistChecker.assertConforms(GOOD, "t");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not a playlist          | #EXTM3U\\n                                             | #EXTM4U\\n                                                  | not #EXTM3U
            version 7               | #EXT-X-VERSION:9                                      | #EXT-X-VERSION:7                                      | EXT-X-VERSION below 9
            no part-inf             | #EXT-X-PART-INF:PART-TARGET=0.200\\n                   | ''                                                    | EXT-X-PART-INF missing
            no blocking reload      | CAN-BLOCK-RELOAD=YES                                  | CAN-BLOCK-RELOAD=NO                                   | CAN-BLOCK-RELOAD=YES
            part hold-back short    | PART-HOLD-BACK=0.600                                  | PART-HOLD-BACK=0.300                                  | less than twice PART-TARGET
            hold-back short         | HOLD-BACK=3.000                                       | HOLD-BACK=2.000                                       | less than three target durations
            header after segments   | #EXT-X-INDEPENDENT-SEGMENTS\\n#EXT-X-MAP:URI="init_3.mp4?token=t"\\n | #EXT-X-MAP:URI="init_3.mp4?token=t"\\n#EXT-X-INDEPENDENT-SEGMENTS\\n | EXT-X-INDEPENDENT-SEGMENTS after the first media segment
            target duration too low | #EXTINF:1.000,                                        | #EXTINF:1.600,                                        | rounds above EXT-X-TARGETDURATION
            part too long           | DURATION=0.150                                        | DURATION=0.250                                        | exceeds PART-TARGET
            parts do not sum        | #EXTINF:0.550,                                        | #EXTINF:0.560,                                        | parts sum to 0.550
            media sequence gap      | seg_000008.m4s                                        | seg_000009.m4s                                        | media sequence not continuous
            part numbering gap      | part_000008_2.m4s                                     | part_000008_3.m4s                                     | part numbering not continuous
            part of another segment | part_000009_1.m4s                                     | part_000008_1.m4s                                     | part numbering not continuous
            first part dependent    | part_000009_0.m4s?token=t",INDEPENDENT=YES            | part_000009_0.m4s?token=t"                            | without INDEPENDENT=YES
            no discontinuity        | #EXT-X-DISCONTINUITY\\n                                | ''                                                    | new EXT-X-MAP without EXT-X-DISCONTINUITY
            stray discontinuity     | #EXTINF:1.000,\\nseg_000007.m4s?token=t\\n              | #EXTINF:1.000,\\nseg_000007.m4s?token=t\\n#EXT-X-DISCONTINUITY\\n | EXT-X-DISCONTINUITY without a new EXT-X-MAP
            hint names a later part | part_000009_2.m4s                                     | part_000009_3.m4s                                     | the next part is 2 of segment 9
            hint not last           | #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000009_2.m4s?token=t"\\n | #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000009_2.m4s?token=t"\\n#EXT-X-PART:DURATION=0.200,URI="part_000009_2.m4s?token=t"\\n | must be the last line
            no hint                 | #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000009_2.m4s?token=t"\\n | ''                                    | no EXT-X-PRELOAD-HINT
            map without token       | init_4.mp4?token=t                                    | init_4.mp4                                            | does not carry ?token=t
            part with other token   | part_000008_1.m4s?token=t                             | part_000008_1.m4s?token=u                             | does not carry ?token=t
            segment without token   | seg_000007.m4s?token=t                                | seg_000007.m4s                                        | does not carry ?token=t
            hint without token      | part_000009_2.m4s?token=t                             | part_000009_2.m4s                                     | does not carry ?token=t
            no program date time    | #EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:01.000Z\\n   | ''                                                    | no EXT-X-PROGRAM-DATE-TIME
            extinf without uri      | seg_000008.m4s?token=t\\n                              | ''                                                    | EXTINF not followed by its URI
            unknown tag             | #EXT-X-INDEPENDENT-SEGMENTS\\n                         | #EXT-X-INDEPENDENT-SEGMENTS\\n#EXT-X-FOO:1\\n           | unexpected tag EXT-X-FOO
            """)
    void aBrokenPlaylistIsCaught(String name, String from, String to, String expected) {
        String broken = GOOD.replace(unescape(from), unescape(to));
        assertThat(broken).as("the test breaks something").isNotEqualTo(GOOD);
        assertThat(LlHlsPlaylistChecker.violations(broken, "t")).as(broken).anySatisfy(v -> assertThat(v).contains(expected));
        assertThatThrownBy(() -> LlHlsPlaylistChecker.assertConforms(broken, "t")).isInstanceOf(AssertionError.class);
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n");
    }

    @Test
    void aTokenWhereNoneIsExpectedIsCaught() {
        assertThat(LlHlsPlaylistChecker.violations(GOOD, null)).hasSize(10).allSatisfy(v -> assertThat(v).contains("has a query"));
    }

    @Test
    void partsTooFarBackAreCaught() {
        String playlist = GOOD.replace("#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z\n",
                "#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z\n" + """
                #EXT-X-PART:DURATION=0.200,URI="part_000007_0.m4s?token=t",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.200,URI="part_000007_1.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000007_2.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000007_3.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000007_4.m4s?token=t"
                """).replace("#EXTINF:0.550,", "#EXTINF:0.550,").replace("#EXT-X-TARGETDURATION:1", "#EXT-X-TARGETDURATION:1");
        // 1.000 + 0.550 + 0.400 = 1.95 s: within three target durations, accepted
        assertThat(LlHlsPlaylistChecker.violations(playlist, "t")).isEmpty();
        // with the open segment 1.6 s long, segment 7 starts 3.15 s before the end
        String longer = playlist.replace("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_000009_2.m4s?token=t\"\n", """
                #EXT-X-PART:DURATION=0.200,URI="part_000009_2.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000009_3.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000009_4.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000009_5.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000009_6.m4s?token=t"
                #EXT-X-PART:DURATION=0.200,URI="part_000009_7.m4s?token=t"
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000009_8.m4s?token=t"
                """);
        assertThat(LlHlsPlaylistChecker.violations(longer, "t")).containsExactly(
                "segment 7: parts listed more than three target durations (3 s) before the end");
    }

    @Test
    void aReloadThatGoesBackOrMiscountsDiscontinuitiesIsCaught() {
        String next = GOOD.replace("#EXT-X-MEDIA-SEQUENCE:7", "#EXT-X-MEDIA-SEQUENCE:8")
                .replace("#EXT-X-PROGRAM-DATE-TIME:2026-11-29T12:00:00.000Z\n#EXTINF:1.000,\nseg_000007.m4s?token=t\n", "");
        assertThat(LlHlsPlaylistChecker.violations(GOOD, next, "t")).as("segment 7 had no discontinuity").isEmpty();
        assertThat(LlHlsPlaylistChecker.violations(next, GOOD, "t")).anySatisfy(v -> assertThat(v).contains("went back"));
        String miscounted = next.replace("#EXT-X-DISCONTINUITY-SEQUENCE:2", "#EXT-X-DISCONTINUITY-SEQUENCE:3");
        assertThat(LlHlsPlaylistChecker.violations(GOOD, miscounted, "t"))
                .anySatisfy(v -> assertThat(v).contains("EXT-X-DISCONTINUITY-SEQUENCE 3 after 2"));
        String longerTarget = GOOD.replace("#EXT-X-TARGETDURATION:1", "#EXT-X-TARGETDURATION:2").replace("HOLD-BACK=3.000", "HOLD-BACK=6.000");
        assertThat(LlHlsPlaylistChecker.violations(longerTarget, GOOD, "t")).anySatisfy(v -> assertThat(v).contains("decreased"));
        String changed = GOOD.replace("DURATION=0.150", "DURATION=0.140").replace("#EXTINF:0.550,", "#EXTINF:0.540,");
        assertThat(LlHlsPlaylistChecker.violations(GOOD, changed, "t")).anySatisfy(v -> assertThat(v).contains("segment 8 was complete"));
    }

    /** A full playlist (segments 1..7 complete, 8 open) before and after one more part, and the delta of the latter. */
    private static String[] deltaCase() {
        try (LiveWindow w = new LiveWindow(new LiveWindowSettings(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1), 7, 1 << 20, 10))) {
            w.newInit(new byte[10]);
            long pdt = 0;
            for (int s = 0; s < 8; s++, pdt += 1000) {
                w.beginSegment(pdt);
                for (int i = 0; i < 5; i++) {
                    w.addPart(new byte[10], 200_000, i == 0);
                }
                w.endSegment();
            }
            w.beginSegment(pdt);
            String previous = w.playlist("t").orElseThrow();
            w.addPart(new byte[10], 200_000, true);
            return new String[] {previous, w.playlist("t", true).orElseThrow(), w.playlist("t").orElseThrow()};
        }
    }

    @Test
    void aGoodDeltaUpdateHasNoViolationAndBrokenOnesAreCaught() {
        String[] c = deltaCase();
        String previous = c[0];
        String delta = c[1];
        String full = c[2];
        assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n");
        assertThat(LlHlsPlaylistChecker.deltaViolations(previous, delta, full, "t")).isEmpty();
        assertThat(LlHlsPlaylistChecker.violations(full, "t")).isEmpty();

        assertThat(LlHlsPlaylistChecker.violations(delta.replace("SKIPPED-SEGMENTS=1", "SKIPPED-SEGMENTS=2"), "t"))
                .as("one segment too many skipped").anySatisfy(v -> assertThat(v).contains("media sequence not continuous"));
        assertThat(LlHlsPlaylistChecker.violations(delta.replace(",CAN-SKIP-UNTIL=6.000", ""), "t"))
                .anySatisfy(v -> assertThat(v).contains("EXT-X-SKIP in a playlist without CAN-SKIP-UNTIL"));
        assertThat(LlHlsPlaylistChecker.violations(full.replace("CAN-SKIP-UNTIL=6.000", "CAN-SKIP-UNTIL=5.000"), "t"))
                .anySatisfy(v -> assertThat(v).contains("less than six target durations"));
        assertThat(LlHlsPlaylistChecker.violations(delta.replace("#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n",
                "#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n#EXT-X-SKIP:SKIPPED-SEGMENTS=0\n"), "t"))
                .anySatisfy(v -> assertThat(v).contains("EXT-X-SKIP more than once"));
        // segment 2 skipped as well, its lines removed: the shown rest is shorter than the Skip Boundary
        String tooMuch = delta.replace("SKIPPED-SEGMENTS=1", "SKIPPED-SEGMENTS=2")
                .replaceFirst("#EXT-X-PROGRAM-DATE-TIME:[^\n]*\n#EXTINF:1.000,\nseg_000002.m4s\\?token=t\n", "");
        assertThat(LlHlsPlaylistChecker.violations(tooMuch, "t"))
                .anySatisfy(v -> assertThat(v).contains("skipped segments after the Skip Boundary"));
        assertThat(LlHlsPlaylistChecker.deltaViolations(previous, tooMuch, full, "t")).as("it still rebuilds the full playlist")
                .containsExactly("EXT-X-SKIP skipped segments after the Skip Boundary: 5.200 s shown, CAN-SKIP-UNTIL is 6.000");
        assertThat(LlHlsPlaylistChecker.deltaViolations(previous, delta.replace("SKIPPED-SEGMENTS=1", "SKIPPED-SEGMENTS=2"), full, "t"))
                .anySatisfy(v -> assertThat(v).contains("rebuilt 9 segments, the full playlist has 8"));
        String otherPdt = delta.replace("#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:03.000Z", "#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:03.001Z");
        assertThat(otherPdt).isNotEqualTo(delta);
        assertThat(LlHlsPlaylistChecker.deltaViolations(previous, otherPdt, full, "t"))
                .anySatisfy(v -> assertThat(v).contains("segment 3 rebuilt from the delta differs"));
        // a client whose playlist did not hold the skipped segment cannot rebuild it
        String later = full.replace("#EXT-X-MEDIA-SEQUENCE:1", "#EXT-X-MEDIA-SEQUENCE:2")
                .replaceFirst("#EXT-X-PROGRAM-DATE-TIME:[^\n]*\n#EXTINF:1.000,\nseg_000001.m4s\\?token=t\n", "");
        assertThat(LlHlsPlaylistChecker.deltaViolations(later, delta, full, "t"))
                .anySatisfy(v -> assertThat(v).contains("segment 1 skipped but not complete in the previous playlist"));
        assertThat(LlHlsPlaylistChecker.deltaViolations(previous, full, full, "t"))
                .anySatisfy(v -> assertThat(v).contains("no EXT-X-SKIP"));
    }
}
