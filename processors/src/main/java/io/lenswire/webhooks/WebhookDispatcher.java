package io.lenswire.webhooks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Takes due deliveries from the outbox and starts their attempts, each endpoint within its own
 * concurrency bound: an endpoint that hangs or fails fills only its own slots, and every other
 * endpoint's deliveries go on. Run by the {@code webhook-outbox} route (timer), after each stored
 * event ({@code events-store} route) and whenever an attempt ends and frees a slot.
 *
 * <p>Attempt results are written to the database on a small pool of their own, never on the HTTP
 * client's I/O thread.
 */
@Component("webhookDispatcher")
public class WebhookDispatcher implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookOutbox outbox;
    private final WebhookEndpoints endpoints;
    private final WebhookSender sender;
    private final MeterRegistry meters;
    private final int perEndpoint;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor results;
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;

    public WebhookDispatcher(WebhookOutbox outbox, WebhookEndpoints endpoints, WebhookSender sender, WebhookProperties settings,
                             MeterRegistry meters) {
        this.outbox = outbox;
        this.endpoints = endpoints;
        this.sender = sender;
        this.meters = meters;
        this.perEndpoint = Math.max(1, settings.getMaxConcurrencyPerEndpoint());
        // in-flight attempts are bounded (endpoints x per-endpoint), so this queue is too
        this.results = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "webhook-results");
            t.setDaemon(true);
            return t;
        });
    }

    /** Route step: starts every due delivery that has a free slot. */
    public void dispatch() {
        if (stopping) {
            return;
        }
        // one dispatcher at a time; a caller that finds one running leaves it a note to go round again
        again.set(true);
        while (again.get() && running.compareAndSet(false, true)) {
            try {
                while (again.getAndSet(false)) {
                    for (WebhookEndpoint endpoint : endpoints.enabled()) {
                        AtomicInteger busy = inFlight.computeIfAbsent(endpoint.id(), k -> new AtomicInteger());
                        for (Delivery d : outbox.claimDue(endpoint.id(), perEndpoint - busy.get())) {
                            busy.incrementAndGet();
                            start(endpoint, d, busy);
                        }
                    }
                }
            } finally {
                running.set(false);
            }
        }
    }

    private void start(WebhookEndpoint endpoint, Delivery d, AtomicInteger busy) {
        long attemptedAt = System.currentTimeMillis();
        Timer.Sample sample = Timer.start(meters);
        try {
            sender.send(d, endpoint.url(), endpoint.signingSecrets(attemptedAt), outcome -> {
                // stopped on the client's I/O thread, where the attempt ends: the wait for the results
                // thread is not part of the attempt (under a burst it was most of the timer's value)
                sample.stop(meters.timer("lenswire.webhook.attempt", "endpoint", endpoint.id()));
                results.execute(() -> finish(endpoint, d, busy, outcome, attemptedAt));
            });
        } catch (RuntimeException e) {
            // a URL the client cannot even form a request from: an attempt that failed at once
            results.execute(() -> finish(endpoint, d, busy, new WebhookOutbox.Outcome(null, e.getMessage(), 0), attemptedAt));
        }
    }

    private void finish(WebhookEndpoint endpoint, Delivery d, AtomicInteger busy, WebhookOutbox.Outcome outcome, long attemptedAt) {
        try {
            WebhookOutbox.Result result = outbox.record(d, outcome, attemptedAt);
            meters.counter("lenswire.webhook.deliveries", "endpoint", endpoint.id(), "outcome", result.name().toLowerCase()).increment();
            if (result == WebhookOutbox.Result.GONE) {
                LOG.warn("webhook endpoint {} answered 410 Gone: disabled", endpoint.id());
            } else if (result == WebhookOutbox.Result.FAILED) {
                LOG.info("webhook delivery {} of {} to endpoint {} failed after {} attempts ({})", d.id(), d.eventId(), endpoint.id(),
                        d.attempts() + 1, outcome.error());
            }
        } catch (RuntimeException e) {
            // the claim runs out and the delivery is taken again: at least once
            LOG.warn("could not record webhook attempt of delivery {}: {}", d.id(), e.toString());
        } finally {
            busy.decrementAndGet();
        }
        dispatch();
    }

    @Override
    public void destroy() {
        stopping = true;
        results.shutdown();
        try {
            results.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
