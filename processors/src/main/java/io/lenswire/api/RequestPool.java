package io.lenswire.api;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.task.TaskDecorator;

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
 *
 * <p>The queue decides from counters of its own (threads alive, tasks submitted and not done), not from
 * {@link ThreadPoolExecutor#getPoolSize()} and {@code getActiveCount()}: those take the pool's main
 * lock, and with 500 LL-HLS viewers released at once (a part completing their blocking reloads)
 * 106 Tomcat threads were seen blocked on that lock in {@code offer}. The counters may be off by
 * a thread being started or a task finishing; the price is at most one extra thread or one task
 * queued for an instant, never a lost task.
 */
public class RequestPool extends ThreadPoolTaskExecutor {

    private transient ThreadsFirstQueue queue;
    /** Threads made and not ended. */
    private final AtomicInteger threads = new AtomicInteger();
    /** Tasks handed to the pool and not finished (queued or running), as Tomcat's own pool counts. */
    private final AtomicInteger submitted = new AtomicInteger();
    private transient TaskDecorator decorator;

    public RequestPool() {
        super.setTaskDecorator(Counted::new);
    }

    /** Keeps a decorator set by configuration; tasks are counted around it. */
    @Override
    public void setTaskDecorator(TaskDecorator taskDecorator) {
        this.decorator = taskDecorator;
    }

    /** A task counted in {@link #submitted} from its submission until it ran or was refused. */
    private final class Counted implements Runnable {
        private final Runnable task;
        private final AtomicBoolean counted = new AtomicBoolean(true);

        Counted(Runnable task) {
            this.task = decorator == null ? task : decorator.decorate(task);
            submitted.incrementAndGet();
        }

        @Override
        public void run() {
            try {
                task.run();
            } finally {
                uncount();
            }
        }

        void uncount() {
            if (counted.compareAndSet(true, false)) {
                submitted.decrementAndGet();
            }
        }
    }

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
            if (pool.isShutdown() || !queue.enqueue(task)) {
                if (task instanceof Counted counted) {
                    counted.uncount();
                }
                rejected.rejectedExecution(task, pool);
            }
        };
        ThreadFactory counting = work -> {
            Thread thread = threadFactory.newThread(() -> {
                try {
                    work.run();
                } finally {
                    threads.decrementAndGet();
                }
            });
            if (thread != null) {
                threads.incrementAndGet();
            }
            return thread;
        };
        ExecutorService service = super.initializeExecutor(counting, queueWhenFull);
        queue.attach((ThreadPoolExecutor) service, threads, submitted);
        return service;
    }

    /** Refuses an offer while no thread is idle and the pool may still grow. */
    static final class ThreadsFirstQueue extends LinkedBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        private transient volatile ThreadPoolExecutor pool;
        private transient AtomicInteger threads;
        private transient AtomicInteger submitted;

        ThreadsFirstQueue(int capacity) {
            super(capacity);
        }

        void attach(ThreadPoolExecutor pool, AtomicInteger threads, AtomicInteger submitted) {
            this.threads = threads;
            this.submitted = submitted;
            this.pool = pool;
        }

        /** Lock-free: the maximum and two counters. */
        @Override
        public boolean offer(Runnable task) {
            ThreadPoolExecutor owner = pool;
            if (owner != null) {
                int alive = threads.get();
                if (alive < owner.getMaximumPoolSize() && submitted.get() > alive) {
                    return false; // more tasks than threads (this one counted) and room for one: make it
                }
            }
            return super.offer(task);
        }

        boolean enqueue(Runnable task) {
            return super.offer(task);
        }
    }
}
