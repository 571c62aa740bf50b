package io.lenswire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel's file lock cluster service (the real one, as configured in production) joined and left
 * many times, each leave at a random moment of the lock interval: some leaves take the lock as they
 * stop, and the watch lets go of every one of them, so no lock is left held in this JVM.
 */
class LeftViewsTest {

    private static final int CYCLES = 400;
    private static final Duration INTERVAL = Duration.ofMillis(5);

    @TempDir
    Path locks;

    @Test
    void everyLockTakenWhileLeavingIsLetGo() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ClusterProperties settings = new ClusterProperties();
            settings.setNodeId("node-a");
            settings.setFileRoot(locks.toString());
            settings.setLockInterval(INTERVAL);
            CamelClusterService service = ClusterConfiguration.fileLocks(settings);
            camel.addService(service, true, true);

            // a check every cycle (a few ms) stands for a beat (1 s): 100 of them watch a view for
            // about as long as 5 beats would, long enough for a check held back on a loaded machine
            LeftViews left = new LeftViews(100);
            List<String> namespaces = new ArrayList<>();
            int released = 0;
            for (int i = 0; i < CYCLES; i++) {
                String namespace = "camera-" + i;
                namespaces.add(namespace);
                CamelClusterView view = service.getView(namespace);
                Thread.sleep(ThreadLocalRandom.current().nextLong(3 * INTERVAL.toMillis()));
                service.releaseView(view);
                left.left(view);
                released += left.releaseLocksTaken(); // a beat
            }
            for (int beat = 0; beat < 200 && left.watched() > 0; beat++) {
                Thread.sleep(INTERVAL.toMillis());
                released += left.releaseLocksTaken();
            }
            System.out.printf("LeftViewsTest: %d of %d leaves took the lock as they stopped%n", released, CYCLES);
            assertThat(released).as("the race happened in this run (Camel 4.17), so the watch was tested").isPositive();
            assertThat(namespaces.stream().filter(n -> heldInThisJvm(locks.resolve(n))).toList()).as("locks still held").isEmpty();
            assertThat(left.watched()).as("every view let go once quiet").isZero();
        }
    }

    /**
     * Camel's service hands out the same view instance when a namespace is joined again. A view
     * left and joined again while still watched leads because it should: the watch must let it be
     * (it once restarted and stopped such a view, and the camera ran on no node; seen in
     * ClusterPlacementTest when a camera moved away and back within a few beats).
     */
    @Test
    void aViewJoinedAgainIsNoLongerWatched() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ClusterProperties settings = new ClusterProperties();
            settings.setNodeId("node-a");
            settings.setFileRoot(locks.toString());
            settings.setLockInterval(INTERVAL);
            CamelClusterService service = ClusterConfiguration.fileLocks(settings);
            camel.addService(service, true, true);
            LeftViews left = new LeftViews(100);

            CamelClusterView view = service.getView("camera-x");
            service.releaseView(view);
            left.left(view);
            CamelClusterView again = service.getView("camera-x");
            assertThat(again).as("the same instance, joined again").isSameAs(view);
            left.joined(again);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!again.getLocalMember().isLeader()) {
                assertThat(System.nanoTime()).as("the view joined again leads").isLessThan(deadline);
                Thread.sleep(INTERVAL.toMillis());
            }
            assertThat(left.watched()).isZero();
            assertThat(left.releaseLocksTaken()).isZero();
            assertThat(again.getLocalMember().isLeader()).as("still leading after the watch's check").isTrue();
            assertThat(heldInThisJvm(locks.resolve("camera-x"))).isTrue();
        }
    }

    /** True when a channel of this JVM holds a lock on the file (a lock of another process would be too). */
    private static boolean heldInThisJvm(Path file) {
        if (!Files.exists(file)) {
            return false; // a view left before its first leadership check
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
