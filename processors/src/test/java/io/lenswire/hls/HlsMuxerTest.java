package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lenswire.ingest.DemoClip;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.PacketSources;
import io.lenswire.ingest.PacketSource;
import io.lenswire.ingest.SourceInterrupts;
import io.lenswire.ingest.SourceOptions;

/** Real libavformat remux of the demo clip into fMP4 HLS, checked by reading the playlist and with ffprobe. */
class HlsMuxerTest {

    @TempDir
    static Path dataDir;
    private static Path clip;
    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();

    @BeforeAll
    static void makeClip() throws IOException {
        clip = DemoClip.ensure(dataDir);
    }

    private static PacketSource loopingClip() throws IOException {
        PacketSource source = PacketSources.open("t", clip.toString(),
                new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), true, false), 1, INTERRUPTS);
        source.open();
        return source;
    }

    @Test
    void writesAPlayableFmp4PlaylistWithTwoSecondSegments(@TempDir Path out) throws Exception {
        HlsProperties settings = new HlsProperties();
        String playlist;
        try (PacketSource source = loopingClip(); HlsMuxer muxer = new HlsMuxer("t", out, settings)) {
            // the first list_size segments use the short first-segment length; run well past them
            for (int i = 0; i < DemoClip.FPS * 24; i++) {
                muxer.write(source.read());
            }
            assertThat(muxer.droppedPackets()).isZero();
            playlist = Files.readString(out.resolve(HlsMuxer.PLAYLIST), StandardCharsets.UTF_8);
        }
        assertThat(playlist).contains("#EXT-X-MAP:URI=\"init.mp4\"", "#EXT-X-TARGETDURATION:", "#EXT-X-INDEPENDENT-SEGMENTS")
                .doesNotContain("#EXT-X-ENDLIST");
        List<Double> durations = durations(playlist);
        assertThat(durations).hasSize(settings.getListSize());
        assertThat(durations).allSatisfy(d -> assertThat(d).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.5)));
        try (var files = Files.list(out)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".m4s")).count())
                    .as("old segments deleted").isLessThanOrEqualTo(settings.getListSize() + 2);
        }
        assertThat(ffprobe(out.resolve(HlsMuxer.PLAYLIST))).contains("codec_name=h264", "width=1280", "height=720");
    }

    @Test
    void startsAtAKeyFrameAndDropsPacketsBeforeIt(@TempDir Path out) throws Exception {
        try (PacketSource source = loopingClip(); HlsMuxer muxer = new HlsMuxer("t", out, new HlsProperties())) {
            EncodedPacket first = source.read();
            assertThat(first.isVideoKeyFrame()).isTrue();
            for (int i = 0; i < 5; i++) {
                muxer.write(source.read()); // mid-GOP: nothing may be written before a key frame
            }
            assertThat(muxer.writtenPackets()).isZero();
            assertThat(muxer.droppedPackets()).isEqualTo(5);
        }
    }

    @Test
    void dropsPacketsWhoseDtsDoesNotIncrease(@TempDir Path out) throws Exception {
        try (PacketSource source = loopingClip(); HlsMuxer muxer = new HlsMuxer("t", out, new HlsProperties())) {
            EncodedPacket key = source.read();
            EncodedPacket next = source.read();
            muxer.write(key);
            muxer.write(next);
            muxer.write(next); // a duplicate, as two joins of a shared stream can deliver
            muxer.write(key);  // going back in time
            assertThat(muxer.writtenPackets()).isEqualTo(2);
            assertThat(muxer.droppedPackets()).isEqualTo(2);
        }
    }

    private static List<Double> durations(String playlist) {
        Matcher m = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
        List<Double> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    private static String ffprobe(Path playlist) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", playlist.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
