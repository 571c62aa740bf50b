package io.lenswire.ingest.rtsp;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlines of blocking socket connects and reads, kept by one thread for every camera: a socket
 * whose deadline has passed is closed, which ends the connect or read in progress with an
 * exception that its owner reports as a time-out ({@link Watch#expired()}).
 *
 * <p>Why not {@code SO_TIMEOUT}: the JDK reads a socket that has a timeout (or that ever had one,
 * or connected with one) in non-blocking mode and waits in {@code poll}, so every read that finds
 * no data costs three system calls (read, poll, read) where a blocking read costs one; a camera's
 * reader waits for the network 30-40 times a second.
 *
 * <p>Deadlines are checked every {@code tick}, so a time-out ends up to a tick late.
 */
public final class SocketDeadlines implements AutoCloseable {

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final Thread thread;
    private volatile boolean closed;

    public SocketDeadlines(Duration tick, String threadName) {
        this.tickNanos = tick.toNanos();
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching {@code socket}, with no deadline yet; close the watch when the socket goes. */
    public Watch watch(Socket socket) throws IOException {
        if (closed) {
            throw new IOException("stopped"); // no keeper of deadlines any more: nothing may start waiting
        }
        Watch w = new Watch(socket);
        watches.add(w);
        return w;
    }

    /** Sockets watched now (for tests: a closed watch must not stay). */
    int watched() {
        return watches.size();
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            for (Watch w : watches) {
                if (!w.expired && w.passed(now)) {
                    w.expired = true;
                    w.closeSocket();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Watch w : watches) {
            w.closeSocket(); // nothing may wait without a deadline once the keeper is gone
        }
        watches.clear();
    }

    /** One socket's deadline. */
    public final class Watch implements AutoCloseable {
        private final Socket socket;
        private volatile long deadlineNanos;
        private volatile boolean expired;

        private Watch(Socket socket) {
            this.socket = socket;
        }

        /** The socket is closed once {@code System.nanoTime()} reaches {@code nanos}; 0: no deadline. */
        public void until(long nanos) {
            deadlineNanos = nanos;
        }

        /** Whether the deadline passed and the socket was closed for it. */
        public boolean expired() {
            return expired;
        }

        /** Whether a deadline is set and has been reached (the socket may not be closed yet). */
        public boolean passed() {
            return passed(System.nanoTime());
        }

        private boolean passed(long now) {
            long deadline = deadlineNanos;
            return deadline != 0 && now - deadline >= 0;
        }

        /** What a connect or read that failed with {@code e} reports: a time-out when the deadline closed the socket. */
        public IOException failure(SocketException e, String timedOut) {
            return expired ? new SocketTimeoutException(timedOut) : e;
        }

        private void closeSocket() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing to end a wait: nothing more to do
            }
        }

        /** Stops watching (the socket itself is its owner's to close). */
        @Override
        public void close() {
            watches.remove(this);
        }
    }
}
