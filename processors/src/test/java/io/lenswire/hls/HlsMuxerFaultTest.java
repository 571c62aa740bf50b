package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

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

/**
 * The muxer under output failures and concurrent stops, with real libavformat. Before the fix the
 * first two crashed the JVM (a write through a packet never allocated after a failed header; a
 * context freed by close() under a running write).
 */
class HlsMuxerFaultTest {

    @TempDir
    static Path dataDir;
    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();
    /** 20 s of the looping clip: rising timestamps, a key frame every second. */
    private static List<EncodedPacket> packets;

    @BeforeAll
    static void readClip() throws IOException {
        Path clip = DemoClip.ensure(dataDir);
        packets = new ArrayList<>();
        try (PacketSource source = PacketSources.open("t", clip.toString(),
                new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), true, false), 1, INTERRUPTS)) {
            source.open();
            for (int i = 0; i < DemoClip.FPS * 20; i++) {
                packets.add(source.read());
            }
        }
    }

    @AfterAll
    static void free() {
        INTERRUPTS.close();
    }

    /**
     * Runs as root too: chmod does not stop root, but a file where the directory should be fails
     * every open under it, as a read-only or full file system fails writes.
     */
    @Test
    void anUnwritableOutputIsReportedAndRecoversWhenWritableAgain(@TempDir Path out) throws Exception {
        Path dir = out.resolve("cam");
        Files.writeString(dir, "not a directory");
        try (HlsMuxer muxer = new HlsMuxer("t", dir, new HlsProperties())) {
            int half = packets.size() / 2;
            for (EncodedPacket p : packets.subList(0, half)) {
                muxer.write(p); // must neither throw nor crash
            }
            assertThat(muxer.writtenPackets()).isZero();
            assertThat(muxer.droppedPackets()).isEqualTo(half);
            assertThat(muxer.failure()).as("the reason is kept").isNotNull().containsIgnoringCase("directory");

            Files.delete(dir);
            Files.createDirectories(dir);
            for (EncodedPacket p : packets.subList(half, packets.size())) {
                muxer.write(p);
            }
            assertThat(muxer.failure()).as("cleared by the first packet written again").isNull();
            assertThat(muxer.writtenPackets()).isGreaterThan(half - DemoClip.FPS * 2L);
            assertThat(dir.resolve(HlsMuxer.PLAYLIST)).exists();
        }
    }

    @Test
    void anOutputThatBreaksWhileWritingIsReportedAndReopened(@TempDir Path out) throws Exception {
        Path dir = out.resolve("cam");
        Files.createDirectories(dir);
        try (HlsMuxer muxer = new HlsMuxer("t", dir, new HlsProperties())) {
            int third = packets.size() / 3;
            for (EncodedPacket p : packets.subList(0, third)) {
                muxer.write(p);
            }
            assertThat(muxer.failure()).isNull();
            long written = muxer.writtenPackets();
            assertThat(written).isGreaterThan(0);

            Path moved = out.resolve("moved");
            Files.move(dir, moved);
            Files.writeString(dir, "a file where the directory was");
            for (EncodedPacket p : packets.subList(third, 2 * third)) {
                muxer.write(p);
            }
            assertThat(muxer.failure()).as("segment writes failed").isNotNull();
            long writtenWhileBroken = muxer.writtenPackets() - written;
            // the packets of the segment already open may still go through; the next segment cannot
            assertThat(writtenWhileBroken).isLessThan(third);

            long highestBefore;
            try (var files = Files.list(moved)) {
                highestBefore = files.mapToLong(f -> SegmentNames.number(f.getFileName().toString())).max().orElse(-1);
            }
            assertThat(highestBefore).isGreaterThanOrEqualTo(0);

            Files.delete(dir); // the muxer makes the directory again, empty
            for (EncodedPacket p : packets.subList(2 * third, packets.size())) {
                muxer.write(p);
            }
            assertThat(muxer.failure()).isNull();
            assertThat(muxer.writtenPackets()).isGreaterThan(written + writtenWhileBroken + third - DemoClip.FPS * 2L);
            String playlist = Files.readString(dir.resolve(HlsMuxer.PLAYLIST));
            assertThat(playlist).contains("#EXT-X-DISCONTINUITY");
            // numbers go on from before the failure: a player's media sequence never goes back
            assertThat(playlist.lines().filter(l -> l.startsWith("seg_"))
                    .mapToLong(SegmentNames::number)).isNotEmpty().allMatch(n -> n > highestBefore);
        }
    }

    @Test
    void closeFromAnotherThreadDuringHeavyWritesHundredCycles(@TempDir Path out) throws Exception {
        for (int cycle = 0; cycle < 100; cycle++) {
            Path dir = Files.createDirectories(out.resolve("c" + cycle));
            HlsMuxer muxer = new HlsMuxer("t", dir, new HlsProperties());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (EncodedPacket p : packets) {
                        muxer.write(p);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "muxer-writer-" + cycle);
            writer.start();
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 40));
            muxer.close(); // as HlsMuxers.stop does when the route did not stop in time
            writer.join(10_000);
            assertThat(writer.isAlive()).as("cycle %d: writer ended", cycle).isFalse();
            assertThat(failure.get()).as("cycle %d: writer failure", cycle).isNull();
            long written = muxer.writtenPackets();
            muxer.write(packets.get(0)); // after close: ignored, no native call
            assertThat(muxer.writtenPackets()).isEqualTo(written);
        }
    }
}
