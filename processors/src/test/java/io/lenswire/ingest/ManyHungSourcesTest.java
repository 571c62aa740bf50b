package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * More open sources than JavaCPP has native slots for one callback class (10): every one of them
 * must still honour its connect deadline and abort(). Before the shared interrupt callback, the
 * 11th and later sources got a NULL callback and hung for as long as the server kept them.
 */
class ManyHungSourcesTest {

    private static final int SOURCES = 30;
    private static final Duration CONNECT = Duration.ofSeconds(1);
    // longer than the test waits: only the interrupt callback can end a silent or trickling handshake
    private static final Duration READ = Duration.ofSeconds(30);
    private static final SourceInterrupts INTERRUPTS = new SourceInterrupts();

    @ParameterizedTest(name = "trickle every {0} ms (0: silent)")
    @ValueSource(ints = {0, 200})
    void everySourceMeetsItsConnectDeadline(int trickleMillis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SOURCES);
        try (HungServer server = new HungServer(trickleMillis == 0 ? null : Duration.ofMillis(trickleMillis))) {
            List<Future<Long>> opens = new ArrayList<>();
            for (int i = 0; i < SOURCES; i++) {
                String url = server.url("/x" + i);
                opens.add(pool.submit(() -> timedFailingOpen(url)));
            }
            List<Long> millis = new ArrayList<>();
            for (Future<Long> open : opens) {
                millis.add(open.get(8, TimeUnit.SECONDS));
            }
            assertThat(millis).as("time to fail of each of %d sources", SOURCES)
                    .allSatisfy(ms -> assertThat(ms).isBetween(CONNECT.toMillis() - 100, CONNECT.toMillis() + 2500));
            assertThat(INTERRUPTS.size()).as("deadlines left registered").isZero();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void abortEndsEveryHungOpen() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SOURCES);
        List<LibavPacketSource> sources = new ArrayList<>();
        try (HungServer server = new HungServer(Duration.ofMillis(200))) {
            List<Future<Long>> opens = new ArrayList<>();
            for (int i = 0; i < SOURCES; i++) {
                LibavPacketSource source = new LibavPacketSource("c" + i, server.url("/x" + i),
                        new SourceOptions("tcp", Duration.ofSeconds(60), READ, false, false), 1, INTERRUPTS);
                sources.add(source);
                opens.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    try {
                        source.open();
                    } catch (IOException e) {
                        assertThat(e).hasMessageContaining("stopped");
                    } finally {
                        source.close();
                    }
                    return (System.nanoTime() - start) / 1_000_000;
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.accepted() < SOURCES && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            long aborted = System.nanoTime();
            sources.forEach(LibavPacketSource::abort);
            for (Future<Long> open : opens) {
                open.get(8, TimeUnit.SECONDS);
            }
            assertThat((System.nanoTime() - aborted) / 1_000_000).as("all %d opens ended after abort", SOURCES)
                    .isLessThan(2000);
            assertThat(INTERRUPTS.size()).as("deadlines left registered").isZero();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void freeCallback() {
        INTERRUPTS.close();
    }

    private static long timedFailingOpen(String url) {
        long start = System.nanoTime();
        try (LibavPacketSource source = new LibavPacketSource("c", url,
                new SourceOptions("tcp", CONNECT, READ, false, false), 1, INTERRUPTS)) {
            source.open();
            throw new AssertionError("opened a server that never answers");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("timed out");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
