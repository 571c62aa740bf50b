package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real libavformat path on the demo clip the project makes (no network needed). */
class LibavPacketSourceTest {

    @TempDir
    static Path dataDir;
    private static Path clip;
    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();

    @BeforeAll
    static void makeClip() throws IOException {
        clip = DemoClip.ensure(dataDir);
    }

    private static SourceOptions options(boolean loop, boolean realtime) {
        return new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), loop, realtime);
    }

    @Test
    void readsEncodedPacketsWithStreamInfo() throws IOException {
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(false, false), 7, INTERRUPTS)) {
            StreamInfo info = source.open();
            assertThat(info.codec()).isEqualTo("h264");
            assertThat(info.width()).isEqualTo(DemoClip.WIDTH);
            assertThat(info.height()).isEqualTo(DemoClip.HEIGHT);
            assertThat(info.fps()).isEqualTo(DemoClip.FPS);
            assertThat(info.generation()).isEqualTo(7);
            assertThat(info.extradata()).as("SPS/PPS for a muxer").isNotEmpty();
            List<EncodedPacket> packets = new ArrayList<>();
            EncodedPacket p;
            while ((p = source.read()) != null) {
                packets.add(p);
            }
            assertThat(packets).hasSize(DemoClip.FPS * DemoClip.SECONDS);
            assertThat(packets.get(0).isVideoKeyFrame()).isTrue();
            assertThat(packets.stream().filter(EncodedPacket::isVideoKeyFrame).count()).isEqualTo(DemoClip.SECONDS);
            assertThat(packets).allMatch(pk -> pk.size() > 0 && pk.stream() == info && "t".equals(pk.cameraId()));
        }
    }

    @Test
    void loopingKeepsTimestampsRising() throws IOException {
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(true, false), 1, INTERRUPTS)) {
            source.open();
            long last = Long.MIN_VALUE;
            int frames = DemoClip.FPS * DemoClip.SECONDS * 2 + 10;
            for (int i = 0; i < frames; i++) {
                EncodedPacket p = source.read();
                assertThat(p).isNotNull();
                assertThat(p.dts()).as("dts of packet %d", i).isGreaterThan(last);
                last = p.dts();
            }
        }
    }

    @Test
    void realtimePacingFollowsTheClock() throws IOException {
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(false, true), 1, INTERRUPTS)) {
            source.open();
            long start = System.nanoTime();
            for (int i = 0; i < DemoClip.FPS + 1; i++) {
                source.read();
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("one second of video").isBetween(900L, 2000L);
        }
    }

    @Test
    void abortEndsAPacedReadFromAnotherThread() throws Exception {
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(true, true), 1, INTERRUPTS)) {
            source.open();
            new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                source.abort();
            }).start();
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                while (true) {
                    source.read();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("stopped");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        }
    }

    @Test
    void refusedConnectionFailsFastWithoutTheAddress() {
        try (LibavPacketSource source = new LibavPacketSource("t", "rtsp://user:secret@127.0.0.1:9/x", options(false, false), 1, INTERRUPTS)) {
            assertThatThrownBy(source::open).isInstanceOf(IOException.class)
                    .hasMessageContaining("could not open")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        }
    }
}
