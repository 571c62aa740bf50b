package io.lenswire.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.javacpp.Pointer;

/**
 * The one libavformat interrupt callback of every open source, dispatching by {@code opaque} to
 * each source's {@link Deadline}.
 *
 * <p>Why one: JavaCPP compiles a fixed number of native trampolines per callback class (10 for
 * {@code AVIOInterruptCB.Callback_Pointer}). An 11th live instance still gets a non-null address,
 * but C's calls through it never reach Java and answer 0 ("go on"), so from the 11th concurrently
 * open camera on, connect and read deadlines and {@code abort()} were silently ignored: a camera
 * whose server trickles bytes stayed STARTING forever and its removal waited for the stop timeout.
 * One instance uses one trampoline whatever the number of cameras.
 *
 * <p>The registry holds one entry per open source (added by {@link #register()}, removed by
 * {@link Deadline#close()} after the context is freed), so its size is bounded by the number of
 * cameras. Thread-safety: any thread; {@link Callback#call} (on the sources' threads) takes no lock.
 */
public final class SourceInterrupts implements AutoCloseable {

    private final Callback callback = new Callback();
    private final Map<Long, Deadline> deadlines = new ConcurrentHashMap<>();
    private long lastId;
    private boolean closed;
    private boolean callbackFreed;

    /** A new deadline (not armed) with its own id; close it after freeing the context it was attached to. */
    public synchronized Deadline register() {
        if (closed) {
            throw new IllegalStateException("source interrupts are closed (shutting down)");
        }
        // ids start at 1: opaque 0 is NULL, which the callback treats as an unknown source
        Deadline deadline = new Deadline(++lastId);
        deadlines.put(deadline.id, deadline);
        return deadline;
    }

    /** Number of registered deadlines: the open sources. */
    public int size() {
        return deadlines.size();
    }

    /**
     * Frees the native callback once no source uses it any more: freeing it under a live context
     * would leave C calling freed memory, so with sources still open the last one to close frees it.
     */
    @Override
    public synchronized void close() {
        closed = true;
        freeIfUnused();
    }

    private synchronized void unregister(Deadline deadline) {
        deadlines.remove(deadline.id, deadline);
        if (closed) {
            freeIfUnused();
        }
    }

    private void freeIfUnused() {
        if (deadlines.isEmpty() && !callbackFreed) {
            callbackFreed = true;
            callback.close();
        }
    }

    /** One source's deadline and abort flag; armed before every blocking libavformat call. */
    public final class Deadline implements AutoCloseable {
        private final long id;
        private volatile boolean aborted;
        private volatile long deadlineNanos = System.nanoTime();
        private volatile BooleanSupplier guard;

        private Deadline(long id) {
            this.id = id;
        }

        /** Makes libavformat poll this deadline during every blocking call on {@code context}. */
        public void attachTo(AVFormatContext context) {
            context.interrupt_callback().callback(callback);
            context.interrupt_callback().opaque(new OpaqueId(id));
        }

        public void arm(Duration timeout) {
            deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        public boolean expired() {
            return System.nanoTime() - deadlineNanos > 0;
        }

        public void abort() {
            aborted = true;
        }

        /**
         * A further reason to end the current call, asked on the source's thread from inside
         * libavformat (e.g. a redirect to a host no camera may be); null for none.
         */
        public void guard(BooleanSupplier guard) {
            this.guard = guard;
        }

        public boolean aborted() {
            return aborted;
        }

        boolean shouldInterrupt() {
            BooleanSupplier g = guard;
            return aborted || expired() || (g != null && g.getAsBoolean());
        }

        /** Call after the context is freed: from then on libavformat must not call with this id. */
        @Override
        public void close() {
            aborted = true;
            unregister(this);
        }
    }

    /**
     * libavformat polls this during every blocking call: returning 1 makes the call fail with
     * AVERROR_EXIT. An id nobody registered (a context whose source has gone) is told to stop.
     */
    private final class Callback extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            Deadline deadline = opaque == null ? null : deadlines.get(opaque.address());
            return deadline == null || deadline.shouldInterrupt() ? 1 : 0;
        }
    }

    /** A pointer whose value is the deadline's id; libavformat hands it back to the callback untouched. */
    private static final class OpaqueId extends Pointer {
        OpaqueId(long id) {
            address = id;
        }
    }
}
