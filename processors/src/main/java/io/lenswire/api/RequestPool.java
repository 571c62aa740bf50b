package io.lenswire.api;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The pool that runs the {@code platform-http} routes. Unlike a plain {@link ThreadPoolTaskExecutor}
 * it adds threads up to max-size <em>before</em> it queues, and it queues only while a thread is
 * idle or the pool is full (the policy of Tomcat's own request pool).
 *
 * <p>Why: a request thread stays busy until the whole answer is written, as fast as the viewer
 * reads (a 2 s segment is ~0.5 MB). A plain pool with a queue grows past core-size only when the
 * queue is full, so 500 viewers waited for 8 threads; a pool with a large core-size makes a new
 * thread for every request until core-size, even when threads are idle. This one keeps a handful
 * of threads for a handful of callers and grows only under concurrent load.
 */
public class RequestPool extends ThreadPoolTaskExecutor {

    private transient ThreadsFirstQueue queue;

    @Override
    protected BlockingQueue<Runnable> createQueue(int queueCapacity) {
        queue = new ThreadsFirstQueue(queueCapacity);
        return queue;
    }

    @Override
    protected ExecutorService initializeExecutor(ThreadFactory threadFactory, RejectedExecutionHandler rejected) {
        // the queue refused because a new thread should take the task; if the pool reached
        // max-size meanwhile, the task waits in the queue after all (and is rejected only when full)
        RejectedExecutionHandler queueWhenFull = (task, pool) -> {
            if (!queue.enqueue(task)) {
                rejected.rejectedExecution(task, pool);
            }
        };
        ExecutorService service = super.initializeExecutor(threadFactory, queueWhenFull);
        queue.attach((ThreadPoolExecutor) service);
        return service;
    }

    /** Refuses an offer while no thread is idle and the pool may still grow. */
    static final class ThreadsFirstQueue extends LinkedBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        private transient volatile ThreadPoolExecutor pool;

        ThreadsFirstQueue(int capacity) {
            super(capacity);
        }

        void attach(ThreadPoolExecutor pool) {
            this.pool = pool;
        }

        @Override
        public boolean offer(Runnable task) {
            ThreadPoolExecutor owner = pool;
            if (owner != null && owner.getPoolSize() < owner.getMaximumPoolSize()
                    && owner.getActiveCount() >= owner.getPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        boolean enqueue(Runnable task) {
            return super.offer(task);
        }
    }
}
