package io.lenswire.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * In a cluster, every node's live event streams show every node's events: this reads the shared
 * event table in sequence order every {@link #POLL} and hands each new event to {@link EventHub}
 * (which then ignores its own node's commits, so that the order is one for all).
 *
 * <p>A sequence number is taken when a row is inserted but seen when its transaction commits, so
 * two nodes' events may become visible out of order. A gap in the sequence is therefore waited for
 * up to {@link #GAP_WAIT} before the events after it are shown (a rolled-back insert leaves a gap
 * for good); a stream never shows a later event before an earlier one that committed within that
 * time.
 */
@Component
@ConditionalOnProperty(prefix = "lenswire.cluster", name = "enabled", havingValue = "true")
public class ClusterEventTail implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterEventTail.class);
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration GAP_WAIT = Duration.ofSeconds(2);
    private static final int PAGE = 500;

    private final EventStore store;
    private final EventHub hub;
    private final ScheduledExecutorService poller;
    /** The last sequence handed to the hub (poller thread only). */
    private long delivered;
    /** The first missing sequence being waited for, and since when (poller thread only); 0: none. */
    private long gapAt;
    private long gapSinceNanos;

    @Autowired
    public ClusterEventTail(EventStore store, EventHub hub) {
        this(store, hub, true);
    }

    /** {@code scheduled} false: nothing polls by itself (tests call {@link #poll}). */
    ClusterEventTail(EventStore store, EventHub hub, boolean scheduled) {
        this.store = store;
        this.hub = hub;
        this.delivered = store.lastSeq();
        hub.followStore();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "event-tail");
            t.setDaemon(true);
            return t;
        });
        if (scheduled) {
            poller.scheduleWithFixedDelay(this::pollQuietly, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void pollQuietly() {
        try {
            poll(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("reading new events from the shared store failed; retrying: {}", e.toString());
        }
    }

    /** Hands the hub the events after the last one handed, in order, waiting at a gap (package-private for tests). */
    void poll(long nowNanos) {
        List<StoredEvent> page;
        do {
            page = store.after(delivered, PAGE);
            for (StoredEvent event : page) {
                if (event.seq() != delivered + 1) {
                    if (gapAt != delivered + 1) {
                        gapAt = delivered + 1;
                        gapSinceNanos = nowNanos;
                    }
                    if (nowNanos - gapSinceNanos < GAP_WAIT.toNanos()) {
                        return; // the missing events may still commit
                    }
                }
                gapAt = 0;
                hub.deliver(event);
                delivered = event.seq();
            }
        } while (page.size() == PAGE);
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }
}
