package io.lenswire.events;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Live event streams (SSE). Each reader has a bounded queue filled by {@link #committed} (never
 * blocks the storing thread) and drained by a small writer pool, one drain at a time per reader.
 * A reader that resumes ({@code Last-Event-ID}) is registered first and then replayed from the
 * store; live events that arrived meanwhile are skipped up to the last replayed one, so it sees
 * every event once, in order. A reader whose queue overflows is closed: it reconnects with its
 * last id and catches up from the store, so nothing is lost to it.
 */
@Component
public class EventHub implements EventListener, SmartLifecycle, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    static final int QUEUE_SIZE = 1000;
    static final int REPLAY_PAGE = 500;
    private static final Object HEARTBEAT = new Object();

    private final EventStore store;
    private final int maxReaders;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor writers;
    private final ScheduledExecutorService heartbeat;
    private final AtomicInteger threadNumber = new AtomicInteger();

    public EventHub(EventStore store, EventsProperties settings, MeterRegistry meters) {
        this.store = store;
        this.maxReaders = settings.getStreamMaxClients();
        this.writers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                r -> daemon(r, "event-stream-writer-" + threadNumber.incrementAndGet()));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "event-stream-heartbeat"));
        long period = settings.getStreamHeartbeat().toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        Gauge.builder("lenswire.events.stream.clients", readers, List::size).description("Open SSE event streams").register(meters);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Where a reader's events are written: an open HTTP response. Called by one writer at a time. */
    public interface Sink {
        void event(StoredEvent event) throws IOException;

        void heartbeat() throws IOException;

        /** Ends the response; the reader is gone or too slow. */
        void close();
    }

    /**
     * Opens a stream that first replays every event after {@code afterSeq} from the store, then
     * follows live events. Returns a handle to close it with, or null when the number of open
     * streams is at its bound.
     */
    public Runnable open(long afterSeq, Sink sink) {
        if (readers.size() >= maxReaders) {
            return null;
        }
        Reader reader = new Reader(sink, afterSeq);
        readers.add(reader);
        reader.schedule();
        return reader::close;
    }

    /** True in a cluster: streams get events from {@link ClusterEventTail}, in store order, not from this node's commits. */
    private volatile boolean followsStore;

    @Override
    public void committed(StoredEvent event) {
        if (!followsStore) {
            deliver(event);
        }
    }

    /**
     * From now on live events come only through {@link #deliver} in store order: events stored by
     * other nodes must not overtake or be overtaken by this node's (a stream resumes by sequence).
     */
    void followStore() {
        followsStore = true;
    }

    /** Offers an event to every open stream. */
    void deliver(StoredEvent event) {
        for (Reader r : readers) {
            r.offer(event);
        }
    }

    private void beat() {
        for (Reader r : readers) {
            r.offer(HEARTBEAT);
        }
    }

    int readers() {
        return readers.size();
    }

    /** True when every open stream has replayed from the store and now follows live events (tests wait for it). */
    boolean allReplayed() {
        return readers.stream().allMatch(r -> r.replayed);
    }

    int maxReaders() {
        return maxReaders;
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every open stream before the web server stops (this phase stops first): the server's
     * shutdown would otherwise wait for these never-ending responses. Readers reconnect with
     * their last id to the next server.
     */
    @Override
    public void stop() {
        running = false;
        for (Reader r : readers) {
            r.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void destroy() {
        heartbeat.shutdownNow();
        for (Reader r : readers) {
            r.close();
        }
        writers.shutdownNow();
    }

    private final class Reader implements Runnable {
        private final Sink sink;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean replayed;
        private volatile boolean closed;
        /** Written by the drain only (one at a time). */
        private long lastSent;

        Reader(Sink sink, long afterSeq) {
            this.sink = sink;
            this.lastSent = afterSeq;
        }

        void offer(Object item) {
            if (closed) {
                return;
            }
            if (!queue.offer(item)) {
                LOG.debug("event stream reader too slow ({} events queued); closing it, it resumes with Last-Event-ID", QUEUE_SIZE);
                close();
                return;
            }
            if (replayed) {
                schedule();
            }
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    writers.execute(this);
                } catch (RejectedExecutionException e) {
                    close();
                }
            }
        }

        @Override
        public void run() {
            try {
                if (!replayed) {
                    replay();
                    replayed = true;
                }
                Object item;
                while (!closed && (item = queue.poll()) != null) {
                    send(item);
                }
            } catch (IOException | RuntimeException e) {
                close(); // the reader went away
            } finally {
                scheduled.set(false);
            }
            if (!closed && !queue.isEmpty()) {
                schedule();
            }
        }

        private void replay() throws IOException {
            List<StoredEvent> page;
            do {
                page = store.after(lastSent, REPLAY_PAGE);
                for (StoredEvent e : page) {
                    send(e);
                }
            } while (page.size() == REPLAY_PAGE && !closed);
        }

        private void send(Object item) throws IOException {
            if (item == HEARTBEAT) {
                sink.heartbeat();
                return;
            }
            StoredEvent e = (StoredEvent) item;
            if (e.seq() <= lastSent) {
                return; // already replayed from the store
            }
            sink.event(e);
            lastSent = e.seq();
        }

        void close() {
            if (!closed) {
                closed = true;
                readers.remove(this);
                try {
                    sink.close();
                } catch (RuntimeException ignored) {
                    // already ended by the container
                }
            }
        }
    }
}
