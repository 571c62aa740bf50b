package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Cameras whose host accepts TCP and never answers must not delay any other camera's connect or
 * reconnect (FFmpegFrameGrabber.start() would: it holds a JVM-wide lock for the whole open).
 */
class SlowCameraIT {

    private static final Duration HANG = Duration.ofSeconds(20);
    private static BlackHole hole;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() throws IOException {
        hole = new BlackHole();
        rtsp = RtspServer.start(null, "/good=h264");
        app = LenswireProcess.start("slow", "--lenswire.ingest.connect-timeout=" + HANG.toSeconds() + "s",
                "--lenswire.ingest.read-timeout=" + HANG.toSeconds() + "s");
        api = app.api();
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (hole != null) hole.close();
    }

    @Test
    void hangingCamerasDoNotDelayOthers() {
        for (int i = 1; i <= 3; i++) {
            assertThat(api.addCamera("hole" + i, "rtsp://127.0.0.1:" + hole.port() + "/x" + i).status()).isEqualTo(201);
        }
        Wait.until("three hanging connections", Duration.ofSeconds(5), () -> hole.accepted() >= 3);

        assertThat(api.addCamera("good", rtsp.url("/good")).status()).isEqualTo(201);
        Duration connect = Wait.until("good STREAMING", Duration.ofSeconds(8), () -> api.state("good").equals("STREAMING"));
        assertThat(connect).isLessThan(Duration.ofSeconds(8));
        for (int i = 1; i <= 3; i++) {
            assertThat(api.state("hole" + i)).as("hole%d is still connecting", i).isEqualTo("STARTING");
        }

        rtsp.kill();
        Wait.until("good RECONNECTING", Duration.ofSeconds(10), () -> api.state("good").matches("RECONNECTING|FAILED"));
        rtsp.start();
        Duration reconnect = Wait.until("good STREAMING again", Duration.ofSeconds(8), () -> api.state("good").equals("STREAMING"));
        assertThat(reconnect).isLessThan(Duration.ofSeconds(8));
        assertThat(api.get("/api/stream/health").status()).isEqualTo(200);

        Wait.until("hanging cameras time out", HANG.plusSeconds(15),
                () -> api.camera("hole1").orElseThrow().path("last_error").asText().equals("could not connect to the camera"));
        // the API shows one generic message (it must not tell open from filtered ports); the log has the detail
        assertThat(app.log()).containsPattern("camera hole1: .*timed out");
        assertThat(api.state("hole1")).isIn("RECONNECTING", "STARTING", "FAILED");
    }

    /** Accepts TCP connections and never sends a byte. */
    static final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        BlackHole() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        sockets.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return sockets.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
