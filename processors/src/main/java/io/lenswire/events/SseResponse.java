package io.lenswire.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;

/**
 * One open event stream's HTTP response, written by {@link EventHub}'s writer threads. It is never
 * touched once the container has ended it: when a client goes away, Tomcat calls the listener
 * ({@code onError}), completes the request itself and hands the response object to the next
 * request. A write after that would land in someone else's answer (seen as events missing from a
 * resumed stream and broken answers to unrelated API calls). Every write and every end therefore
 * holds one lock, and the listener marks the response unusable under it, so a write in progress
 * finishes first and none follows.
 *
 * <p>A write that fails (the client left) only marks the response unusable: Tomcat sees the same
 * failure and ends the request itself through {@code onError}, as it does for Spring's own async
 * responses, so the request is completed once, by the container.
 */
final class SseResponse implements EventHub.Sink, AsyncListener {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private boolean usable = true;
    /** Guarded by {@link #lock}. */
    private boolean ended;
    /** Guarded by {@link #lock}: what to run once the container has ended the response. */
    private Runnable whenEnded = () -> { };

    SseResponse(AsyncContext async, ServletOutputStream out) {
        this.async = async;
        this.out = out;
    }

    /** Writes an SSE comment line (e.g. the opening one). */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    @Override
    public void event(StoredEvent e) throws IOException {
        write("id: " + e.eventId() + "\nevent: " + e.type() + "\ndata: " + e.json() + "\n\n");
    }

    @Override
    public void heartbeat() throws IOException {
        write(": heartbeat\n\n");
    }

    private void write(String text) throws IOException {
        lock.lock();
        try {
            if (!usable) {
                throw new IOException("the event stream has ended");
            }
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | RuntimeException e) {
                usable = false;
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends a healthy response (the hub lets the reader go); nothing once it has ended or failed. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (usable) {
                usable = false;
                async.complete();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} once the container has ended the response, at once when it already has. */
    void whenEnded(Runnable action) {
        lock.lock();
        try {
            if (!ended) {
                whenEnded = action;
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    private void end() {
        Runnable action;
        lock.lock();
        try {
            usable = false;
            if (ended) {
                return;
            }
            ended = true;
            action = whenEnded;
        } finally {
            lock.unlock();
        }
        action.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        end();
    }

    @Override
    public void onError(AsyncEvent event) {
        end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
