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

    @Test
    void aNetworkAddressMayNotReadFilesOrNestProtocols() throws IOException {
        // the protocol whitelist: only a local path (the demo clip) reads files, nothing else does
        java.nio.file.Files.writeString(dataDir.resolve("list.txt"), "file '" + clip + "'\n");
        for (String address : new String[] {"file:" + clip, "file://" + clip, "concat:" + clip + "|" + clip, "subfile:,start,0,end,100,:" + clip,
                "pipe:0", "data:video/mp4;base64,AAAA", "http://127.0.0.1:9/x.mp4", "async:file:" + clip, "cache:file:" + clip}) {
            try (LibavPacketSource source = new LibavPacketSource("t", address, options(false, false), 1, INTERRUPTS)) {
                assertThatThrownBy(source::open).as(address).isInstanceOf(IOException.class);
            }
        }
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(false, false), 1, INTERRUPTS)) {
            assertThat(source.open().codec()).as("the plain path still opens").isEqualTo("h264");
        }
    }

    @Test
    void packetsOverTheSizeLimitAreDroppedAndCountedNotCopied() throws IOException {
        List<Integer> sizes = new ArrayList<>();
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), options(false, false), 1, INTERRUPTS)) {
            source.open();
            EncodedPacket p;
            while ((p = source.read()) != null) {
                sizes.add(p.size());
            }
        }
        int limit = sizes.stream().sorted().toList().get(sizes.size() * 3 / 4); // a quarter of the packets is larger
        long over = sizes.stream().filter(n -> n > limit).count();
        assertThat(over).isPositive();
        SourceOptions limited = new SourceOptions("tcp", Duration.ofSeconds(5), Duration.ofSeconds(5), false, false, limit, false);
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        int passed = 0;
        try (LibavPacketSource source = new LibavPacketSource("t", clip.toString(), limited, 1, INTERRUPTS, dropped::incrementAndGet)) {
            source.open();
            EncodedPacket p;
            while ((p = source.read()) != null) {
                assertThat(p.size()).isLessThanOrEqualTo(limit);
                passed++;
            }
        }
        assertThat(dropped.get()).isEqualTo(over);
        assertThat(passed + dropped.get()).isEqualTo(sizes.size());
    }

    @Test
    void aLinkLocalCameraIsRefusedBeforeAnyConnect() {
        for (String address : new String[] {"rtsp://169.254.169.254/x", "rtsp://2852039166/x", "rtsp://[::ffff:169.254.169.254]/x"}) {
            try (LibavPacketSource source = new LibavPacketSource("t", address, options(false, false), 1, INTERRUPTS)) {
                assertThatThrownBy(source::open).as(address).hasMessageContaining(LibavPacketSource.NOT_ALLOWED);
            }
        }
    }

    @Test
    void anRtspRedirectToAnotherHostIsNotFollowedUnlessAllowed() throws Exception {
        try (Redirector camera = new Redirector(); Listener other = new Listener("127.0.0.2")) {
            String target = "rtsp://127.0.0.2:" + other.port() + "/elsewhere";
            camera.location = target;
            SourceOptions strict = new SourceOptions("tcp", Duration.ofSeconds(3), Duration.ofSeconds(3), false, false, 0, false);
            try (LibavPacketSource source = new LibavPacketSource("t", "rtsp://127.0.0.1:" + camera.port() + "/cam", strict, 1, INTERRUPTS)) {
                assertThatThrownBy(source::open).hasMessageContaining("redirected to another host");
            }
            assertThat(camera.requests.get()).as("the camera was asked").isPositive();
            Thread.sleep(200);
            assertThat(other.received()).as("bytes the other host got").isEmpty();

            SourceOptions lenient = new SourceOptions("tcp", Duration.ofSeconds(3), Duration.ofSeconds(3), false, false, 0, true);
            try (LibavPacketSource source = new LibavPacketSource("t", "rtsp://127.0.0.1:" + camera.port() + "/cam", lenient, 1, INTERRUPTS)) {
                assertThatThrownBy(source::open).isInstanceOf(IOException.class); // the other host never answers
            }
            assertThat(other.received()).as("allowed: the request went to the other host").contains("OPTIONS " + target);

            camera.location = "rtsp://169.254.169.254/x"; // never, even when other hosts are allowed
            try (LibavPacketSource source = new LibavPacketSource("t", "rtsp://127.0.0.1:" + camera.port() + "/cam", lenient, 1, INTERRUPTS)) {
                assertThatThrownBy(source::open).hasMessageContaining("link-local");
            }
        }
    }

    /** Answers every RTSP request with 302 to {@link #location}. */
    private static final class Redirector implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        volatile String location;

        Redirector() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                        String line;
                        String cseq = "1";
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            if (line.toLowerCase().startsWith("cseq:")) {
                                cseq = line.substring(5).strip();
                            }
                        }
                        requests.incrementAndGet();
                        s.getOutputStream().write(("RTSP/1.0 302 Moved\r\nCSeq: " + cseq + "\r\nLocation: " + location
                                + "\r\nContent-Length: 0\r\n\r\n").getBytes());
                        s.getOutputStream().flush();
                        Thread.sleep(300);
                    } catch (Exception e) {
                        // next connection
                    }
                }
            }, "redirector");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Accepts connections on another loopback address and records what it is sent; never answers. */
    private static final class Listener implements AutoCloseable {
        private final java.net.ServerSocket server;
        private final StringBuffer received = new StringBuffer();

        Listener(String address) throws IOException {
            server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName(address));
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket s = server.accept();
                        Thread reader = new Thread(() -> {
                            try (s) {
                                byte[] buf = new byte[4096];
                                int n;
                                while ((n = s.getInputStream().read(buf)) > 0) {
                                    received.append(new String(buf, 0, n));
                                }
                            } catch (IOException e) {
                                // closed
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "listener");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        String received() {
            return received.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
