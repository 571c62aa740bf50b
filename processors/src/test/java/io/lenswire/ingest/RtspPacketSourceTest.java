package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.lenswire.ingest.rtsp.SocketDeadlines;

/** What can be checked without a camera; OwnRtspReaderIT reads GStreamer's RTSP server. */
class RtspPacketSourceTest {

    private static final SocketDeadlines DEADLINES = new SocketDeadlines(Duration.ofMillis(100), "test-deadlines");

    @AfterAll
    static void stopDeadlines() {
        DEADLINES.close();
    }


    private static final SourceOptions TCP = new SourceOptions("tcp", Duration.ofSeconds(2), Duration.ofSeconds(1), false, false);

    @Test
    void controlUrlsResolveAgainstTheBaseWithoutCredentials() {
        assertThat(RtspPacketSource.resolve("rtsp://cam:8554/live/", "stream=0")).isEqualTo("rtsp://cam:8554/live/stream=0");
        assertThat(RtspPacketSource.resolve("rtsp://cam:8554/live", "trackID=1")).isEqualTo("rtsp://cam:8554/live/trackID=1");
        assertThat(RtspPacketSource.resolve("rtsp://cam/live", "*")).isEqualTo("rtsp://cam/live");
        assertThat(RtspPacketSource.resolve("rtsp://cam/live", "rtsp://u:p@cam/live/track1")).isEqualTo("rtsp://cam/live/track1");
    }

    @Test
    void targetKeepsCredentialsOutOfTheRequestUrl() throws Exception {
        RtspPacketSource.Target t = RtspPacketSource.Target.parse("rtsp://al%40ice:p%3Ass+w@cam.example:8554/live?x=1");
        assertThat(t.requestUrl()).isEqualTo("rtsp://cam.example:8554/live?x=1");
        assertThat(t.user()).isEqualTo("al@ice");
        assertThat(t.password()).isEqualTo("p:ss+w");
        assertThat(t.port()).isEqualTo(8554);
        assertThat(t.toString()).doesNotContain("p:ss");
        assertThat(RtspPacketSource.Target.parse("rtsp://[::1]/s").bareHost()).isEqualTo("::1");
        assertThat(RtspPacketSource.Target.parse("rtsp://cam/").port()).isEqualTo(554);
    }

    @Test
    void takesRtspOverTcpOnlyAndNeverFiles() {
        assertThat(RtspPacketSource.handles("rtsp://cam/live", TCP)).isTrue();
        assertThat(RtspPacketSource.handles("rtsps://cam/live", TCP)).isFalse();
        assertThat(RtspPacketSource.handles("rtsp://cam/live", new SourceOptions("udp", Duration.ofSeconds(2), Duration.ofSeconds(1), false, false))).isFalse();
        assertThat(RtspPacketSource.handles("/data/demo.mp4", new SourceOptions("tcp", Duration.ofSeconds(2), Duration.ofSeconds(1), true, true))).isFalse();
    }

    @Test
    void aRefusedHostIsRefusedBeforeAnyConnect() {
        RtspPacketSource source = new RtspPacketSource("cam", "rtsp://169.254.169.254/live", TCP, 1, () -> { }, DEADLINES);
        assertThatThrownBy(source::open).hasMessageStartingWith(PacketSource.NOT_ALLOWED);
        source.close();
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheConnectTimeoutAndAbortEndsItAtOnce() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            String url = "rtsp://user:Secret-pw@127.0.0.1:" + silent.getLocalPort() + "/live";
            long start = System.nanoTime();
            RtspPacketSource source = new RtspPacketSource("cam", url, TCP, 1, () -> { }, DEADLINES);
            assertThatThrownBy(source::open).hasMessageContaining("timed out").hasMessageNotContaining("Secret-pw");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));
            source.close();

            RtspPacketSource aborted = new RtspPacketSource("cam", url, new SourceOptions("tcp", Duration.ofSeconds(30),
                    Duration.ofSeconds(30), false, false), 2, () -> { }, DEADLINES);
            Thread stopper = new Thread(() -> {
                sleep(300);
                aborted.abort();
            });
            stopper.start();
            long abortStart = System.nanoTime();
            assertThatThrownBy(aborted::open).hasMessage("stopped");
            assertThat(Duration.ofNanos(System.nanoTime() - abortStart)).isLessThan(Duration.ofSeconds(5));
            stopper.join();
            aborted.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
