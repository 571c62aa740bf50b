package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lenswire.ingest.DemoClip;
import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.PacketSource;
import io.lenswire.ingest.PacketSources;
import io.lenswire.ingest.SourceInterrupts;
import io.lenswire.ingest.SourceOptions;
import io.lenswire.ingest.StreamInfo;

/**
 * Real libavformat fragmenting of the demo clip (25 fps, a key frame every second) into LL-HLS
 * parts, checked by their timing and by ffprobe decoding init + parts.
 */
class LlHlsSegmenterTest {

    private static final Duration PART = Duration.ofMillis(200);
    private static final Duration SEGMENT = Duration.ofSeconds(1);
    private static final long FRAME_MICROS = 1_000_000L / DemoClip.FPS;

    @TempDir
    static Path dataDir;
    private static Path clip;
    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();

    @BeforeAll
    static void makeClip() throws IOException {
        clip = DemoClip.ensure(dataDir);
    }

    @AfterAll
    static void freeInterrupts() {
        INTERRUPTS.close();
    }

    /** What the segmenter handed over, in order. */
    static final class RecordingSink implements LivePartSink {
        final List<byte[]> inits = new ArrayList<>();
        final List<List<LivePart>> segments = new ArrayList<>();
        final List<Long> dates = new ArrayList<>();
        final List<Integer> initOfSegment = new ArrayList<>();
        boolean open;

        @Override
        public void newInit(byte[] initSection) {
            assertThat(open).as("a new init only between segments").isFalse();
            inits.add(initSection);
        }

        @Override
        public void beginSegment(long programDateTimeMillis) {
            assertThat(open).as("segments do not nest").isFalse();
            open = true;
            segments.add(new ArrayList<>());
            dates.add(programDateTimeMillis);
            initOfSegment.add(inits.size() - 1);
        }

        /** Longer than asked, as a recycled array may be: only [0, length) of it is the part. */
        @Override
        public byte[] buffer(int length) {
            byte[] array = new byte[length + 13];
            Arrays.fill(array, (byte) 0x5a);
            return array;
        }

        @Override
        public LivePart addPart(Chunk fragment, long durationMicros, boolean independent) {
            assertThat(open).as("parts only in an open segment").isTrue();
            assertThat(fragment.length()).as("a part in an array of the sink's").isEqualTo(fragment.array().length - 13);
            List<LivePart> parts = segments.get(segments.size() - 1);
            LivePart part = new LivePart(segments.size() - 1, parts.size(), fragment, durationMicros, independent);
            parts.add(part);
            return part;
        }

        @Override
        public void endSegment() {
            assertThat(open).isTrue();
            open = false;
        }

        long micros(List<LivePart> parts) {
            return parts.stream().mapToLong(LivePart::durationMicros).sum();
        }
    }

    private static PacketSource loopingClip() throws IOException {
        PacketSource source = PacketSources.open("t", clip.toString(),
                new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), true, false), 1, INTERRUPTS);
        source.open();
        return source;
    }

    @Test
    void cutsOneSecondSegmentsOfPartsNoLongerThanTheTarget() throws Exception {
        RecordingSink sink = new RecordingSink();
        int frames = DemoClip.FPS * 6;
        try (PacketSource source = loopingClip(); LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, SEGMENT)) {
            for (int i = 0; i < frames; i++) {
                segmenter.write(source.read());
            }
            assertThat(segmenter.droppedPackets()).isZero();
            // the last frame is held until the next one comes
            assertThat(segmenter.writtenPackets()).isEqualTo(frames - 1);
            // the last segment is still open: four parts published, the fifth waits for the next frame
            assertThat(sink.open).isTrue();
        }
        assertThat(sink.inits).hasSize(1);
        assertThat(new String(sink.inits.get(0), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        // 6 s of a 1 s GOP: five complete segments and the sixth one's parts so far
        assertThat(sink.segments).hasSize(6);
        for (int s = 0; s < 5; s++) {
            List<LivePart> parts = sink.segments.get(s);
            assertThat(sink.micros(parts)).as("segment %d", s).isEqualTo(1_000_000L);
            assertThat(parts).hasSize(5);
            assertThat(parts.get(0).independent()).isTrue();
            assertThat(parts.subList(1, parts.size())).noneMatch(LivePart::independent);
            assertThat(parts).allSatisfy(p -> {
                assertThat(p.durationMicros()).isLessThanOrEqualTo(PART.toNanos() / 1000).isGreaterThan(0);
                assertThat(new String(p.bytes().array(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("moof");
            });
            if (s > 0) {
                assertThat(sink.dates.get(s) - sink.dates.get(s - 1)).as("dates follow media time").isEqualTo(1000);
            }
        }
        assertThat(sink.segments.get(5)).hasSize(4);
    }

    @Test
    void initPlusPartsIsAStreamFfprobeDecodesFrameForFrame(@TempDir Path out) throws Exception {
        RecordingSink sink = new RecordingSink();
        int frames = DemoClip.FPS * 3 + 1; // three whole segments; the extra frame closes the third
        try (PacketSource source = loopingClip(); LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, SEGMENT)) {
            for (int i = 0; i < frames; i++) {
                segmenter.write(source.read());
            }
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(sink.inits.get(0));
        for (List<LivePart> segment : sink.segments) {
            for (LivePart part : segment) {
                stream.write(part.bytes().array(), 0, part.bytes().length());
            }
        }
        Path file = out.resolve("stream.mp4");
        Files.write(file, stream.toByteArray());
        String probe = run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=nw=1", file.toString());
        assertThat(probe).contains("codec_name=h264", "width=1280", "height=720", "nb_read_frames=" + DemoClip.FPS * 3);
        // decode every frame: no errors on stderr
        String decode = run("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(decode).isEmpty();
    }

    @Test
    void aNewConnectionStartsANewInitAndContinuesTheTimeline() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (PacketSource source = loopingClip(); LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, SEGMENT)) {
            for (int i = 0; i < DemoClip.FPS * 2 + 10; i++) {
                segmenter.write(source.read());
            }
            StreamInfo first = null;
            StreamInfo second = null;
            // the same clip again as if the camera reconnected: a new StreamInfo, timestamps from zero
            try (PacketSource again = loopingClip()) {
                for (int i = 0; i < 5; i++) {
                    EncodedPacket p = again.read(); // mid-GOP after the key frame: skip the key frame to prove the wait
                    if (i == 0) {
                        first = p.stream();
                        second = new StreamInfo(p.stream().generation() + 1, first.videoStreamIndex(), first.codec(),
                                first.codecId(), first.width(), first.height(), first.fps(), first.timeBaseNum(),
                                first.timeBaseDen(), first.extradata(), first.audio());
                        continue;
                    }
                    segmenter.write(withStream(p, second));
                }
                assertThat(segmenter.droppedPackets()).as("nothing before the new connection's key frame").isEqualTo(4);
                for (int i = 0; i < DemoClip.FPS * 3; i++) {
                    segmenter.write(withStream(again.read(), second));
                }
            }
        }
        assertThat(sink.inits).hasSize(2);
        // the old connection's last part was closed with its last frame: 2 s + 10 frames in three segments
        assertThat(sink.segments.get(2)).hasSize(2);
        assertThat(sink.micros(sink.segments.get(2))).isEqualTo(10 * FRAME_MICROS);
        int firstOfNew = sink.initOfSegment.indexOf(1);
        assertThat(firstOfNew).isEqualTo(3);
        assertThat(sink.segments.get(firstOfNew).get(0).independent()).isTrue();
        // dates go on from the old connection's last one (read faster than real time here, its
        // dates run ahead of the wall clock) and then follow media time
        assertThat(sink.dates.get(firstOfNew)).isEqualTo(sink.dates.get(firstOfNew - 1) + 400);
        assertThat(sink.dates.get(firstOfNew + 1)).isEqualTo(sink.dates.get(firstOfNew) + 1000);
    }

    @Test
    void partsStayWithinTheTargetWhenTheCamerasTimestampsJitter() throws Exception {
        // a camera that stamps frames when it captures them: 40 ms apart on average, give or take 4
        long[] jitterMicros = {0, 3_000, -2_000, 4_000, -4_000, 1_000, 3_500, -3_000};
        RecordingSink sink = new RecordingSink();
        try (PacketSource source = loopingClip(); LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, SEGMENT)) {
            for (int i = 0; i < DemoClip.FPS * 6; i++) {
                EncodedPacket p = source.read();
                long num = p.stream().timeBaseNum();
                long den = p.stream().timeBaseDen();
                long dts = (i * FRAME_MICROS + jitterMicros[i % jitterMicros.length] + 10_000) * den / (1_000_000L * num);
                long pts = p.pts() == EncodedPacket.NO_TIMESTAMP ? dts : dts + p.pts() - p.dts();
                segmenter.write(new EncodedPacket(p.cameraId(), p.stream(), p.streamIndex(), p.video(), p.keyFrame(), pts, dts,
                        p.duration(), p.data(), p.receivedNanos()));
            }
            assertThat(segmenter.droppedPackets()).isZero();
        }
        assertThat(sink.segments).hasSizeGreaterThanOrEqualTo(5);
        List<Long> durations = sink.segments.stream().flatMap(List::stream).map(LivePart::durationMicros).toList();
        assertThat(durations).as("part durations (us)").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(PART.toNanos() / 1000));
        // and not needlessly short: no part below half the target but a segment's last
        for (List<LivePart> parts : sink.segments.subList(0, sink.segments.size() - 1)) {
            assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(p -> assertThat(p.durationMicros()).isGreaterThan(100_000));
        }
    }

    @Test
    void aKeyFrameALittleBeforeTheTargetStillEndsTheSegment() throws Exception {
        // a 1.04 s target over the clip's 1 s GOP: waiting for 1.04 s would make 2 s segments
        RecordingSink sink = new RecordingSink();
        try (PacketSource source = loopingClip();
                LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, Duration.ofMillis(1040))) {
            for (int i = 0; i < DemoClip.FPS * 4; i++) {
                segmenter.write(source.read());
            }
        }
        assertThat(sink.segments).hasSizeGreaterThanOrEqualTo(4);
        for (int s = 0; s < 3; s++) {
            assertThat(sink.micros(sink.segments.get(s))).as("segment %d", s).isEqualTo(1_000_000L);
        }
    }

    @Test
    void aConnectionWhoseFirstKeyFrameIsUnusableStartsAtItsNextKeyFrame() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (PacketSource source = loopingClip(); LlHlsSegmenter segmenter = new LlHlsSegmenter("t", sink, PART, SEGMENT)) {
            EncodedPacket key = source.read();
            // the key frame opens the connection but carries no timestamp: it cannot be written
            segmenter.write(new EncodedPacket(key.cameraId(), key.stream(), key.streamIndex(), true, true,
                    EncodedPacket.NO_TIMESTAMP, EncodedPacket.NO_TIMESTAMP, key.duration(), key.data(), key.receivedNanos()));
            for (int i = 1; i < DemoClip.FPS * 3; i++) {
                segmenter.write(source.read());
            }
            assertThat(segmenter.droppedPackets()).as("the key frame and the rest of its GOP").isEqualTo(DemoClip.FPS);
            assertThat(segmenter.failure()).isNull();
        }
        assertThat(sink.segments).isNotEmpty();
        assertThat(sink.segments).allSatisfy(parts -> assertThat(parts.get(0).independent()).isTrue());
    }

    private static EncodedPacket withStream(EncodedPacket p, StreamInfo stream) {
        return new EncodedPacket(p.cameraId(), stream, p.streamIndex(), p.video(), p.keyFrame(), p.pts(), p.dts(),
                p.duration(), p.data(), p.receivedNanos());
    }

    /** Runs a command (ffmpeg, ffprobe) to its end; its output, which it must have exited 0 with. */
    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }
}
