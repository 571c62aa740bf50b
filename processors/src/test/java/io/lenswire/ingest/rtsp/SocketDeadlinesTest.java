package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Real sockets on the loopback: a blocking read that only the keeper's close can end. */
class SocketDeadlinesTest {

    @Test
    void aBlockedReadEndsOnceItsDeadlinePassesAndNotBefore() throws Exception {
        try (SocketDeadlines deadlines = new SocketDeadlines(Duration.ofMillis(50), "t");
             ServerSocket server = new ServerSocket(0);
             Socket client = new Socket("127.0.0.1", server.getLocalPort());
             Socket silent = server.accept()) {
            SocketDeadlines.Watch watch = deadlines.watch(client);
            long start = System.nanoTime();
            watch.until(start + TimeUnit.MILLISECONDS.toNanos(400));
            assertThat(client.getSoTimeout()).as("the socket itself has no timeout: it reads blocking").isZero();
            InputStream in = client.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketException.class);
            long took = System.nanoTime() - start;
            assertThat(Duration.ofNanos(took)).isBetween(Duration.ofMillis(400), Duration.ofMillis(1500));
            assertThat(watch.expired()).isTrue();
            watch.close();
            assertThat(deadlines.watched()).isZero();
            assertThat(silent.isClosed()).isFalse();
        }
    }

    @Test
    void aSocketWithoutADeadlineOrWithALaterOneIsLeftAlone() throws Exception {
        try (SocketDeadlines deadlines = new SocketDeadlines(Duration.ofMillis(20), "t");
             ServerSocket server = new ServerSocket(0);
             Socket client = new Socket("127.0.0.1", server.getLocalPort());
             Socket peer = server.accept()) {
            SocketDeadlines.Watch watch = deadlines.watch(client);
            watch.until(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
            watch.until(0); // cleared before it passed, as after a request's answer
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(400);
                    peer.getOutputStream().write(42);
                    peer.getOutputStream().flush();
                } catch (IOException | InterruptedException e) {
                    // the test fails on the read below
                }
            });
            writer.start();
            assertThat(client.getInputStream().read()).isEqualTo(42);
            assertThat(watch.expired()).isFalse();
            assertThat(client.isClosed()).isFalse();
            writer.join();
            watch.close();
        }
    }

    @Test
    void closingTheKeeperEndsEveryWatchedWaitAndRefusesNewWatches() throws Exception {
        SocketDeadlines deadlines = new SocketDeadlines(Duration.ofMillis(50), "t");
        try (ServerSocket server = new ServerSocket(0);
             Socket client = new Socket("127.0.0.1", server.getLocalPort());
             Socket peer = server.accept()) {
            deadlines.watch(client); // no deadline: would wait forever without the keeper's close
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                deadlines.close();
            });
            closer.start();
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
            closer.join();
            assertThat(deadlines.watched()).isZero();
            assertThatThrownBy(() -> deadlines.watch(new Socket())).isInstanceOf(IOException.class).hasMessage("stopped");
        }
    }
}
