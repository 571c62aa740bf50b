package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The wire format against a scripted peer on a real socket (the real RTSP server is in OwnRtspReaderIT). */
class RtspConnectionTest {

    private static final SocketDeadlines DEADLINES = new SocketDeadlines(Duration.ofMillis(50), "test-deadlines");

    @AfterAll
    static void stopDeadlines() {
        DEADLINES.close();
    }


    private static byte[] frame(int channel, int length) {
        byte[] f = new byte[4 + length];
        f[0] = '$';
        f[1] = (byte) channel;
        f[2] = (byte) (length >> 8);
        f[3] = (byte) length;
        for (int i = 0; i < length; i++) {
            f[4 + i] = (byte) i;
        }
        return f;
    }

    /** Runs {@code peer} on the server side of a fresh connection; returns the client's connection. */
    private static RtspConnection connect(ServerSocket server, PeerScript peer) throws IOException {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                peer.run(s.getOutputStream());
                s.getInputStream().readAllBytes(); // until the client closes
            } catch (IOException e) {
                // the client went away
            }
        });
        t.setDaemon(true);
        t.start();
        Socket client = new Socket("127.0.0.1", server.getLocalPort());
        return new RtspConnection(client, new RtspAuth(null, null), DEADLINES.watch(client));
    }

    @FunctionalInterface
    interface PeerScript {
        void run(OutputStream out) throws IOException;
    }

    private static long soon() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    }

    @Test
    void framesBeforeAnAnswerAreSkippedAndFramesAfterItAreHandedOut() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RtspConnection c = connect(server, out -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(frame(0, 10));
                all.writeBytes("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 5\r\nPublic: OPTIONS, GET_PARAMETER\r\n\r\nhello"
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100; i++) {
                    all.writeBytes(frame(i % 2, 1400));
                }
                all.writeBytes("RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                all.writeBytes(frame(0, 3));
                out.write(all.toByteArray()); // one write: the client should need few reads for it all
                out.flush();
            });
            RtspConnection.Response r = c.request("OPTIONS", "rtsp://cam/", Map.of(), soon());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("public")).isEqualTo("OPTIONS, GET_PARAMETER");
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            List<Integer> lengths = new ArrayList<>();
            List<Integer> channels = new ArrayList<>();
            for (int i = 0; i < 102; i++) {
                c.next((channel, buf, off, len) -> {
                    lengths.add(len);
                    channels.add(channel);
                    assertThat(buf[off + len - 1]).isEqualTo((byte) (len - 1));
                });
            }
            assertThat(lengths).hasSize(101).startsWith(1400).endsWith(3);
            assertThat(channels.subList(0, 4)).containsExactly(0, 1, 0, 1);
            assertThat(c.reads()).as("socket reads for ~140 KB of frames").isLessThan(40);
            c.close();
        }
    }

    @Test
    void oversizedHeadersAndBodiesAreRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RtspConnection huge = connect(server, out -> {
                out.write("RTSP/1.0 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII));
                out.write("a".repeat(40_000).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
            assertThatThrownBy(() -> huge.request("OPTIONS", "rtsp://cam/", Map.of(), soon())).hasMessageContaining("header over");
            huge.close();

            RtspConnection body = connect(server, out -> {
                out.write("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 999999999\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
            assertThatThrownBy(() -> body.request("DESCRIBE", "rtsp://cam/", Map.of(), soon())).hasMessageContaining("body of");
            body.close();
        }
    }

    @Test
    void aSilentPeerTimesOutAtTheDeadlineWhileAnsweringAndWhileStreaming() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RtspConnection c = connect(server, out -> { });
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.request("OPTIONS", "rtsp://cam/", Map.of(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)))
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofMillis(2000));
            c.close();
        }
        try (ServerSocket server = new ServerSocket(0)) {
            RtspConnection c = connect(server, out -> { });
            long start = System.nanoTime();
            c.deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500));
            assertThatThrownBy(() -> c.next((channel, buf, off, len) -> { })).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofMillis(2000));
            c.close();
        }
    }

    @Test
    void aTricklingPeerCannotOutlastTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            RtspConnection c = connect(server, out -> {
                for (int i = 0; i < 100; i++) {
                    out.write('R');
                    out.flush();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.request("OPTIONS", "rtsp://cam/", Map.of(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800)))
                    .hasMessageContaining("timed out");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
            c.close();
        }
    }
}
