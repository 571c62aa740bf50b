package io.lenswire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.TaskRejectedException;

class RequestPoolTest {

    private final RequestPool pool = new RequestPool();
    private final CountDownLatch release = new CountDownLatch(1);

    private void start(int core, int max, int queue) {
        pool.setCorePoolSize(core);
        pool.setMaxPoolSize(max);
        pool.setQueueCapacity(queue);
        pool.setThreadNamePrefix("request-pool-test-");
        pool.initialize();
    }

    @AfterEach
    void shutDown() {
        release.countDown();
        pool.shutdown();
    }

    private void submitBlocked(int count) {
        for (int i = 0; i < count; i++) {
            pool.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Test
    void growsToMaxBeforeItQueues() {
        start(1, 4, 10);
        submitBlocked(4);
        assertThat(pool.getPoolSize()).isEqualTo(4);
        assertThat(pool.getQueueSize()).isZero();

        submitBlocked(3);
        assertThat(pool.getPoolSize()).isEqualTo(4);
        assertThat(pool.getQueueSize()).isEqualTo(3);
    }

    @Test
    void reusesAnIdleThreadInsteadOfMakingOne() throws Exception {
        start(1, 8, 10);
        for (int i = 0; i < 20; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(done::countDown);
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            waitUntilIdle();
        }
        assertThat(pool.getPoolSize()).isEqualTo(1);
    }

    @Test
    void rejectsOnlyWhenThreadsAndQueueAreFull() {
        start(1, 2, 2);
        submitBlocked(4);
        assertThat(pool.getPoolSize()).isEqualTo(2);
        assertThat(pool.getQueueSize()).isEqualTo(2);
        assertThatThrownBy(() -> submitBlocked(1)).isInstanceOf(TaskRejectedException.class);
    }

    private void waitUntilIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getActiveCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
