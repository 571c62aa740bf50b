package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GopCacheTest {

    private static final StreamInfo FIRST = stream(1);
    private static final StreamInfo SECOND = stream(2);

    private static StreamInfo stream(long generation) {
        return new StreamInfo(generation, 0, "h264", 27, 1280, 720, 25, 1, 90000, new byte[0], null);
    }

    private static EncodedPacket video(StreamInfo stream, long dts, boolean key) {
        return new EncodedPacket("cam", stream, 0, true, key, dts, dts, 3600, new byte[10], 0);
    }

    private static EncodedPacket audio(long dts) {
        return new EncodedPacket("cam", FIRST, 1, false, true, dts, dts, 1024, new byte[4], 0);
    }

    @Test
    void startsAtAKeyFrameAndRestartsAtTheNext() {
        GopCache cache = new GopCache(100, Long.MAX_VALUE);
        cache.add(video(FIRST, 0, false));
        cache.add(audio(0));
        assertThat(cache.snapshot()).as("nothing before the first key frame").isEmpty();

        cache.add(video(FIRST, 3600, true));
        cache.add(audio(3600));
        cache.add(video(FIRST, 7200, false));
        assertThat(cache.snapshot()).extracting(EncodedPacket::dts).containsExactly(3600L, 3600L, 7200L);

        cache.add(video(FIRST, 10800, true));
        assertThat(cache.snapshot()).as("the complete GOP, then the current one")
                .extracting(EncodedPacket::dts).containsExactly(3600L, 3600L, 7200L, 10800L);

        cache.add(video(FIRST, 14400, false));
        cache.add(video(FIRST, 18000, true));
        assertThat(cache.snapshot()).as("only the last complete GOP is kept")
                .extracting(EncodedPacket::dts).containsExactly(10800L, 14400L, 18000L);
    }

    @Test
    void aNewConnectionDropsTheOldGop() {
        GopCache cache = new GopCache(100, Long.MAX_VALUE);
        cache.add(video(FIRST, 0, true));
        cache.add(video(FIRST, 3600, true));
        cache.add(video(SECOND, 50, false));
        assertThat(cache.snapshot()).isEmpty();
        cache.add(video(SECOND, 100, true));
        assertThat(cache.snapshot()).hasSize(1).allMatch(p -> p.stream() == SECOND);
    }

    @Test
    void staysBoundedWhenKeyFramesStop() {
        GopCache cache = new GopCache(5, Long.MAX_VALUE);
        cache.add(video(FIRST, 0, true));
        cache.add(video(FIRST, 3600, true));
        for (int i = 2; i < 20; i++) {
            cache.add(video(FIRST, i * 3600L, false));
            assertThat(cache.snapshot().size()).as("two GOPs of at most 5").isLessThanOrEqualTo(10);
        }
        assertThat(cache.snapshot()).as("a broken GOP drops both").isEmpty();
        cache.add(video(FIRST, 100 * 3600L, true));
        assertThat(cache.snapshot()).hasSize(1);
    }

    @Test
    void aByteBoundLetsTheCompleteGopGoFirst() {
        GopCache cache = new GopCache(100, 45); // packets of 10 bytes
        cache.add(video(FIRST, 0, true));
        cache.add(video(FIRST, 3600, false));
        cache.add(video(FIRST, 7200, true));
        cache.add(video(FIRST, 10800, false));
        assertThat(cache.snapshot()).as("40 bytes: both GOPs").hasSize(4);

        cache.add(video(FIRST, 14400, false));
        assertThat(cache.snapshot()).as("50 bytes: the complete GOP goes, the current one stays")
                .extracting(EncodedPacket::dts).containsExactly(7200L, 10800L, 14400L);

        cache.add(video(FIRST, 18000, false));
        cache.add(video(FIRST, 21600, false));
        assertThat(cache.snapshot()).as("a current GOP above the bound alone is dropped").isEmpty();
    }
}
