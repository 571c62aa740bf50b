package io.lenswire.hls;

import static io.lenswire.hls.LlHlsSegmenterTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.PacketSource;
import io.lenswire.ingest.PacketSources;
import io.lenswire.ingest.SourceInterrupts;
import io.lenswire.ingest.SourceOptions;
import io.lenswire.ingest.StreamInfo;

/**
 * The fragments written in Java against libavformat's mp4 muxer writing fragments of the same
 * packets at the same points ({@link LibavFragmentsReference}, as Lenswire wrote them before):
 * ffprobe must read the same packets from both (timestamps, durations, sizes, key flags and an MD5
 * of every sample's bytes) and ffmpeg must decode ours without an error, for Annex B H.264 with
 * B-frames and H.265 (as cameras send them), and for length-prefixed H.264 with AAC (as the demo
 * clip's file gives them). (Not the FFmpeg CLI's remux: the system's FFmpeg is another version,
 * whose parser cuts some H.265 packets a byte differently.)
 */
class Fmp4FragmenterTest {

    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();

    @TempDir
    Path dir;

    @AfterAll
    static void freeInterrupts() {
        INTERRUPTS.close();
    }

    @Test
    void annexBH264WithBFramesGivesTheSamplesLibavformatWrites() throws Exception {
        Path clip = dir.resolve("h264.ts");
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "3",
                "-c:v", "libx264", "-g", "25", "-bf", "2", "-f", "mpegts", clip.toString());
        assertSameSamplesAsLibavformat(clip, false);
    }

    @Test
    void annexBH265GivesTheSamplesLibavformatWrites() throws Exception {
        Path clip = dir.resolve("h265.ts");
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "3",
                "-c:v", "libx265", "-x265-params", "log-level=error:keyint=25", "-f", "mpegts", clip.toString());
        assertSameSamplesAsLibavformat(clip, false);
    }

    @Test
    void lengthPrefixedH264AndAacGiveTheSamplesLibavformatWrites() throws Exception {
        Path clip = dir.resolve("av.mp4");
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3",
                "-c:v", "libx264", "-g", "25", "-bf", "0", "-c:a", "aac",
                "-use_editlist", "0", clip.toString()); // no edit list: audio from 0 like a camera's
        assertSameSamplesAsLibavformat(clip, true);
    }

    @Test
    void aPacketWithoutAStartCodeInAnAnnexBStreamIsRefused() throws Exception {
        Path clip = dir.resolve("one.ts");
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1",
                "-c:v", "libx264", "-f", "mpegts", clip.toString());
        try (PacketSource source = open(clip); Fmp4Fragmenter fragmenter = new Fmp4Fragmenter(source.read().stream(), false)) {
            assertThatThrownBy(() -> fragmenter.writeVideo(new byte[] {5, 1, 2, 3}, true, 0, 0, 3600))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void rescalesAsLibavformatRoundsAndSurvivesLargeTimestamps() {
        assertThat(Fmp4Fragmenter.rescale(3600, 1, 90_000, 90_000)).isEqualTo(3600);
        assertThat(Fmp4Fragmenter.rescale(512, 1, 12_800, 90_000)).isEqualTo(3600);
        assertThat(Fmp4Fragmenter.rescale(1, 1, 3, 2)).isEqualTo(1); // 0.67 -> 1
        assertThat(Fmp4Fragmenter.rescale(1, 1, 4, 2)).isEqualTo(1); // 0.5 -> 1, half away from zero
        assertThat(Fmp4Fragmenter.rescale(-1, 1, 4, 2)).isEqualTo(-1);
        long big = Long.MAX_VALUE / 1000;
        assertThat(Fmp4Fragmenter.rescale(big, 1, 90_000, 90_000 * 100L)).isEqualTo(big * 100);
    }

    @Test
    void extradataTellsAnnexBFromLengthPrefixedAsLibavformatDoes() {
        assertThat(Fmp4Fragmenter.isAnnexB("h264", new byte[] {0, 0, 0, 1, 0x67})).isTrue();
        assertThat(Fmp4Fragmenter.isAnnexB("h264", new byte[] {1, 0x64, 0, 0x1f})).isFalse();
        assertThat(Fmp4Fragmenter.isAnnexB("h264", new byte[0])).isFalse();
        assertThat(Fmp4Fragmenter.isAnnexB("hevc", new byte[] {0, 0, 0, 1, 0x40, 1, 0x0c})).isTrue();
        assertThat(Fmp4Fragmenter.isAnnexB("hevc", new byte[] {0, 0, 1, 0x40, 1, 0x0c, 1})).isTrue();
        assertThat(Fmp4Fragmenter.isAnnexB("hevc", new byte[] {1, 1, 0x60, 0, 0, 0, (byte) 0x90})).isFalse();
    }

    /**
     * Writes the clip's packets through both (timestamps rebased to the first key frame as the
     * segmenter does; each packet's duration the gap to the next of its stream) and compares.
     */
    private void assertSameSamplesAsLibavformat(Path clip, boolean withAudio) throws Exception {
        List<EncodedPacket> packets = new ArrayList<>();
        try (PacketSource source = open(clip)) {
            for (EncodedPacket p = source.read(); p != null; p = source.read()) {
                packets.add(p);
            }
        }
        StreamInfo info = packets.get(0).stream();
        assertThat(info.audio() != null).isEqualTo(withAudio);
        assertThat(packets.get(0).keyFrame()).isTrue();
        Map<Boolean, List<EncodedPacket>> byKind = new HashMap<>();
        for (EncodedPacket p : packets) {
            byKind.computeIfAbsent(p.video(), k -> new ArrayList<>()).add(p);
        }
        Path ours = dir.resolve("ours.mp4");
        Path reference = dir.resolve("reference.mp4");
        try (Fmp4Fragmenter fragmenter = new Fmp4Fragmenter(info, withAudio);
             LibavFragmentsReference libav = new LibavFragmentsReference(info, withAudio)) {
            Files.write(ours, fragment(packets, byKind, fragmenter.init(), fragmenter::writeVideo, fragmenter::writeAudio,
                    () -> fragmenter.flush(n -> new byte[n + 7]).copy())); // arrays longer than the fragment, as recycled ones are
            Files.write(reference, fragment(packets, byKind, libav.init(), libav::writeVideo, libav::writeAudio, libav::flush));
        }

        List<String> expected = samples(reference);
        List<String> actual = samples(ours);
        assertThat(expected).hasSizeGreaterThan(70);
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(run("ffmpeg", "-v", "error", "-i", ours.toString(), "-f", "null", "-")).isEmpty();
    }

    interface VideoWriter {
        void write(byte[] data, boolean keyFrame, long pts, long dts, long duration) throws IOException;
    }

    interface AudioWriter {
        void write(byte[] data, long pts, long dts, long duration) throws IOException;
    }

    interface Flusher {
        byte[] flush() throws IOException;
    }

    /** init + a fragment at every key frame and every fifth frame, as parts cut them. */
    private static byte[] fragment(List<EncodedPacket> packets, Map<Boolean, List<EncodedPacket>> byKind, byte[] init,
                                   VideoWriter video, AudioWriter audio, Flusher flusher) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(init);
        long videoOrigin = byKind.get(true).get(0).dts();
        Map<EncodedPacket, Long> durations = durations(byKind);
        int frames = 0;
        for (EncodedPacket p : packets) {
            if (p.video()) {
                if (frames > 0 && (p.keyFrame() || frames % 5 == 0)) {
                    out.write(flusher.flush());
                }
                frames++;
                video.write(p.data(), p.keyFrame(), p.pts() - videoOrigin, p.dts() - videoOrigin, durations.get(p));
            } else {
                long origin = byKind.get(false).get(0).dts();
                audio.write(p.data(), p.pts() - origin, p.dts() - origin, durations.get(p));
            }
        }
        out.write(flusher.flush());
        return out.toByteArray();
    }

    /**
     * Each stream's packets' durations: the gap to the next packet's decode time; the last one's
     * as the file says (or the gap before it), as ffmpeg takes it.
     */
    private static Map<EncodedPacket, Long> durations(Map<Boolean, List<EncodedPacket>> byKind) {
        Map<EncodedPacket, Long> durations = new HashMap<>();
        for (List<EncodedPacket> list : byKind.values()) {
            long last = 1;
            for (int i = 0; i < list.size(); i++) {
                if (i + 1 < list.size()) {
                    last = list.get(i + 1).dts() - list.get(i).dts();
                } else if (list.get(i).duration() > 0) {
                    last = list.get(i).duration();
                }
                durations.put(list.get(i), last);
            }
        }
        return durations;
    }

    /** ffprobe's packets, each stream in file order: pts, dts, duration, size, key flag, MD5 of the data. */
    private static List<String> samples(Path file) throws Exception {
        String csv = run("ffprobe", "-v", "error", "-show_entries",
                "packet=stream_index,pts,dts,duration,size,flags,data_hash", "-show_data_hash", "MD5", "-of", "csv=p=0",
                file.toString());
        List<String> rows = new ArrayList<>();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            // stream_index, pts, dts, duration, size, flags, data_hash
            rows.add(f[0] + " pts=" + f[1] + " dts=" + f[2] + " duration=" + f[3]
                    + " size=" + f[4] + " key=" + f[5].startsWith("K") + " " + f[6]);
        }
        rows.sort(Comparator.comparing(row -> row.substring(0, row.indexOf(' ')))); // stable: each stream in file order
        return rows;
    }

    private static PacketSource open(Path clip) throws IOException {
        PacketSource source = PacketSources.open("t", clip.toString(),
                new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), false, false), 1, INTERRUPTS);
        source.open();
        return source;
    }
}
