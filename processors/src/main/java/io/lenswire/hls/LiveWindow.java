package io.lenswire.hls;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One camera's Low-Latency HLS media held in memory: init sections, segments and their parts, the
 * playlist that lists them, and the blocking playlist reloads waiting for a part (RFC 8216bis
 * 6.2.5.2). The producer (one thread) adds; any number of readers read and wait. Thread-safe.
 *
 * <p>Bounded: at most {@code maxSegments} complete segments plus the open one, and no more than
 * {@code maxBytes} of init sections and parts while a complete segment is left to drop (the open
 * segment is never dropped: it is what viewers are waiting for). Dropped names answer empty.
 *
 * <p>Producer contract: {@link #newInit} before the first segment; {@link #beginSegment},
 * {@link #addPart}s (the first {@code independent}: segments start at key frames),
 * {@link #endSegment}; repeat. A segment ended with no part is abandoned and its number reused.
 * {@link #newInit} with a segment open ends it first: its parts belong to the old init section.
 * Part durations should not exceed the part target; the window does not refuse real media that
 * does (it has nothing better to serve), the playlist then lists it as it is.
 *
 * <p>Waiters are completed outside the window's lock (their callbacks may do anything, even call
 * back in); their timeouts run on the JDK's shared delay scheduler ({@code orTimeout}), each
 * cancelled when its waiter completes, so neither threads nor timers nor waiters accumulate.
 */
public final class LiveWindow implements LivePartSink, AutoCloseable {

    /** How a blocking reload request for {@code _HLS_msn}/{@code _HLS_part} stands now. */
    public enum Request {
        /** The playlist already holds it: answer now. */
        AVAILABLE,
        /** It may come: wait for it ({@link #whenAvailable}). */
        PENDING,
        /** Further ahead than a client may ask (RFC 8216bis 6.2.5.2): answer 400. */
        TOO_FAR
    }

    /** _HLS_msn may be at most this far beyond the last complete segment (RFC 8216bis 6.2.5.2). */
    static final int ADVANCE_SEGMENT_LIMIT = 2;
    /** _HLS_part may be at most this far beyond the last part of the open segment (RFC 8216bis: Advance Part Limit). */
    static final int ADVANCE_PART_LIMIT = 3;
    /** Free part arrays kept for reuse: a dropped segment's parts, a little more than one segment's worth. */
    static final int RECYCLED_ARRAYS = 32;

    private final LiveWindowSettings settings;
    /**
     * Readers (every viewer's request: classify, part, segment, playlist) share it; the producer and
     * waiter bookkeeping take it exclusively. A plain monitor here made 500 viewers queue on it:
     * under CPU overload a holder preempted mid-section held up hundreds of readers (JFR: 1021
     * monitor waits over 10 ms on classify in 15 s).
     */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Kept segments, oldest first; only the last may be open. */
    private final Deque<LiveSegment> segments = new ArrayDeque<>();
    private final Map<Integer, byte[]> inits = new TreeMap<>();
    private final Set<Waiter> waiters = new LinkedHashSet<>();
    /** Parts' arrays, recycled from dropped segments (enough for a couple of segments' parts). */
    private final FragmentBuffers buffers = new FragmentBuffers(RECYCLED_ARRAYS);
    private LiveSegment open;
    private int currentInit = -1;
    private boolean discontinuityNext;
    /** The first segment's number; in capture-time numbering -1 until the first segment begins. */
    private long firstMsn;
    private long nextMsn;
    private long lastCompleteMsn = -1;
    private long targetSeconds;
    private long discontinuitySequence;
    private long bytes;
    private boolean closed;
    /** The rendered playlist for the current state; null after any change until the next read. */
    private LivePlaylist rendered;

    /** A window whose segments are numbered from 0 (the playlist starts at EXT-X-MEDIA-SEQUENCE:0). */
    public LiveWindow(LiveWindowSettings settings) {
        this(settings, false);
    }

    private LiveWindow(LiveWindowSettings settings, boolean captureNumbered) {
        this.settings = settings;
        this.firstMsn = captureNumbered ? -1 : 0;
        this.targetSeconds = settings.initialTargetSeconds();
    }

    /**
     * A window that continues, for a player, the numbering of the camera's earlier windows, also
     * those of another server (a cluster's failover) or of a segmenter that stopped and started:
     * the first segment is numbered by its capture time in segment targets
     * ({@code floor(programDateTime / segmentTarget)}), later ones count on from it. Segments last
     * at least about a target and a new window's first frame was captured after the old window's
     * last, so a new window starts above every number an older one of the same camera gave (a
     * player that kept asking for the next segment, {@code _HLS_msn}, gets the new playlist instead
     * of a 400 or a wait for numbers that come only much later), on servers whose clocks agree,
     * and can tell from the jump that the window was replaced.
     */
    public static LiveWindow numberedByCaptureTime(LiveWindowSettings settings) {
        return new LiveWindow(settings, true);
    }

    /**
     * A new init section (first call, or a reconnect with new codec parameters): the next segment
     * starts with EXT-X-DISCONTINUITY (unless it is the very first) and an EXT-X-MAP naming it.
     */
    public void newInit(byte[] initSection) {
        List<Waiter> woken;
        lock.writeLock().lock();
        try {
            ensureOpen();
            woken = open != null ? closeOpen() : List.of();
            currentInit++;
            inits.put(currentInit, initSection.clone());
            bytes += initSection.length;
            discontinuityNext = firstMsn >= 0 && nextMsn > firstMsn; // after a kept segment
            evict();
            rendered = null;
        } finally {
            lock.writeLock().unlock();
        }
        complete(woken);
    }

    /** Opens the next segment (the first: 0, or by capture time); its program date time is the capture time of its first sample. */
    public void beginSegment(long programDateTimeMillis) {
        lock.writeLock().lock();
        try {
            ensureOpen();
            if (currentInit < 0) {
                throw new IllegalStateException("no init section yet");
            }
            if (open != null) {
                throw new IllegalStateException("segment " + open.msn + " is still open");
            }
            if (firstMsn < 0) {
                firstMsn = Math.max(0, Math.floorDiv(programDateTimeMillis, settings.segmentTarget().toMillis()));
                nextMsn = firstMsn;
                lastCompleteMsn = firstMsn - 1;
            }
            open = new LiveSegment(nextMsn, currentInit, discontinuityNext, programDateTimeMillis);
            segments.addLast(open);
            rendered = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** An array to cut the next part into: one a dropped segment's part no longer needs, if one fits. */
    @Override
    public byte[] buffer(int length) {
        return buffers.take(length);
    }

    /**
     * Appends a part to the open segment and wakes the waiters it satisfies. The window keeps
     * {@code fragment}'s array itself, lends it to readers and recycles it once the segment is
     * dropped and no reader holds it: the caller hands it over and must not touch it again (a
     * copy here was one more per part).
     */
    @Override
    public LivePart addPart(Chunk fragment, long durationMicros, boolean independent) {
        if (durationMicros <= 0) {
            throw new IllegalArgumentException("part duration must be positive: " + durationMicros);
        }
        LivePart part;
        List<Waiter> woken;
        lock.writeLock().lock();
        try {
            ensureOpen();
            if (open == null) {
                throw new IllegalStateException("no segment is open");
            }
            if (open.partCount() == 0 && !independent) {
                throw new IllegalArgumentException("segment " + open.msn + " must start with an independent part");
            }
            part = open.add(fragment, durationMicros, independent);
            bytes += fragment.array().length;
            // the segment is real now: a later one no longer carries the discontinuity
            discontinuityNext = false;
            evict();
            rendered = null;
            woken = ready();
        } finally {
            lock.writeLock().unlock();
        }
        complete(woken);
        return part;
    }

    /** Closes the open segment (its EXTINF is the sum of its parts), drops what no longer fits, wakes waiters. */
    public void endSegment() {
        List<Waiter> woken;
        lock.writeLock().lock();
        try {
            ensureOpen();
            if (open == null) {
                throw new IllegalStateException("no segment is open");
            }
            woken = closeOpen();
        } finally {
            lock.writeLock().unlock();
        }
        complete(woken);
    }

    private List<Waiter> closeOpen() {
        LiveSegment segment = open;
        open = null;
        if (segment.partCount() == 0) {
            segments.removeLast();
            return List.of();
        }
        segment.complete();
        lastCompleteMsn = segment.msn;
        nextMsn = segment.msn + 1;
        targetSeconds = Math.max(targetSeconds, (segment.durationMillis() + 500) / 1000);
        evict();
        rendered = null;
        return ready();
    }

    /**
     * Oldest complete segments out while over either bound, their arrays recycled unless a reader
     * holds them (under the write lock no reader can take a segment, and a dropped one cannot be
     * found again, so none read means none ever will); then the init sections nothing kept uses.
     */
    private void evict() {
        int complete = open == null ? segments.size() : segments.size() - 1;
        while (complete > 0 && (complete > settings.maxSegments() || bytes > settings.maxBytes())) {
            LiveSegment gone = segments.removeFirst();
            complete--;
            bytes -= gone.bytes();
            if (gone.readers.get() == 0) {
                for (LivePart p : gone.parts()) {
                    buffers.give(p.bytes().array());
                }
            }
            if (gone.discontinuity) {
                discontinuitySequence++;
            }
            rendered = null;
        }
        inits.entrySet().removeIf(e -> {
            int k = e.getKey();
            boolean used = k == currentInit || segments.stream().anyMatch(s -> s.init == k);
            if (!used) {
                bytes -= e.getValue().length;
            }
            return !used;
        });
    }

    /**
     * Whether the open segment's next part is predicted to be the next segment's first: it has as
     * many parts as the segment before it (a camera's GOPs are regular). A hint for a part that a
     * key frame then makes unnecessary is held until the next segment's first part and answered
     * 404, which made hls.js stall after every segment; hinting that first part is right whenever
     * the prediction is, and otherwise only makes the hinted request wait longer.
     */
    private boolean segmentEndsNext() {
        LiveSegment before = null;
        for (LiveSegment s : segments) {
            if (s == open) {
                break;
            }
            before = s;
        }
        return before != null && before.partCount() > 0 && open.partCount() >= before.partCount();
    }

    /** The playlist, with {@code ?token=<tokenQuery>} (already URL-encoded) on every URI; empty until a part exists. */
    public Optional<String> playlist(String tokenQuery) {
        return playlist(tokenQuery, false);
    }

    /**
     * As {@link #playlist(String)}; with {@code delta}, the Playlist Delta Update a client asks for
     * with {@code _HLS_skip=YES} (the full playlist when the window offers none or it would skip
     * nothing).
     */
    public Optional<String> playlist(String tokenQuery, boolean delta) {
        LivePlaylist playlist;
        lock.readLock().lock();
        try {
            if (closed || segments.stream().noneMatch(s -> s.partCount() > 0)) {
                return Optional.empty();
            }
            playlist = rendered;
        } finally {
            lock.readLock().unlock();
        }
        if (playlist == null) {
            lock.writeLock().lock();
            try {
                if (closed || segments.stream().noneMatch(s -> s.partCount() > 0)) {
                    return Optional.empty();
                }
                if (rendered == null) {
                    boolean nextSegment = open == null || segmentEndsNext();
                    rendered = LivePlaylist.render(settings, targetSeconds, discontinuitySequence, List.copyOf(segments),
                            open == null ? nextMsn : nextSegment ? open.msn + 1 : open.msn, nextSegment ? 0 : open.partCount());
                }
                playlist = rendered;
            } finally {
                lock.writeLock().unlock();
            }
        }
        return Optional.of(playlist.text(tokenQuery, delta));
    }

    /**
     * Where a blocking reload for segment {@code msn} (and part {@code part}, or -1 for "the whole
     * segment") stands. A part index past the last part of a complete segment means part 0 of the
     * next segment (RFC 8216bis 6.2.5.2); a segment no longer kept is available (the playlist holds
     * later ones). TOO_FAR: {@code msn} more than 2 beyond the last complete segment, or a part
     * more than 3 beyond the last part of the open segment (the spec's Advance Part Limit) and at
     * an index no kept segment reached (standard hls.js asks for a segment's last part early in
     * the segment); a part of the segment after the open one is never too far: its parts cannot
     * be counted yet.
     *
     * @throws IllegalArgumentException for a negative {@code msn} or a {@code part} below -1 (a 400 too)
     */
    public Request classify(long msn, int part) {
        lock.readLock().lock();
        try {
            return classifyLocked(msn, part);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Request classifyLocked(long msn, int part) {
        if (msn < 0 || part < -1) {
            throw new IllegalArgumentException("no such request: _HLS_msn=" + msn + "&_HLS_part=" + part);
        }
        if (firstMsn < 0) {
            return Request.PENDING; // numbered by capture time, and no segment has begun: nothing is known to be far
        }
        if (msn < firstMsn) {
            // numbered before this window (another server's, an earlier segmenter's): this
            // window's playlist supersedes it as soon as it has a segment
            return lastCompleteMsn >= firstMsn ? Request.AVAILABLE : Request.PENDING;
        }
        if (msn > lastCompleteMsn + ADVANCE_SEGMENT_LIMIT) {
            return Request.TOO_FAR;
        }
        if (part < 0) {
            return msn <= lastCompleteMsn ? Request.AVAILABLE : Request.PENDING;
        }
        while (msn <= lastCompleteMsn) {
            LiveSegment segment = find(msn);
            if (segment == null || part < segment.partCount()) {
                return Request.AVAILABLE;
            }
            msn++;
            part = 0;
        }
        int have = open != null && open.msn == msn ? open.partCount() : 0;
        if (part < have) {
            return Request.AVAILABLE;
        }
        // hls.js without low-latency mode asks for the open segment's last part (the highest part
        // index in its playlist) to be told when a segment completes: that is beyond the Advance
        // Part Limit early in a segment, but a part index a kept segment reached is not too far
        return msn == lastCompleteMsn + 1 && part > have - 1 + ADVANCE_PART_LIMIT && part >= mostParts()
                ? Request.TOO_FAR : Request.PENDING;
    }

    /** The most parts a kept segment has. */
    private int mostParts() {
        int most = 0;
        for (LiveSegment segment : segments) {
            most = Math.max(most, segment.partCount());
        }
        return most;
    }

    /**
     * Completes (with null) once {@link #classify} says AVAILABLE; exceptionally with a
     * TimeoutException after {@code timeout} (and no longer counts as pending), with
     * RejectedExecutionException at once when {@code maxWaiters} are already pending,
     * IllegalArgumentException when TOO_FAR, CancellationException when the window closes.
     */
    public CompletableFuture<Void> whenAvailable(long msn, int part, Duration timeout) {
        Waiter waiter;
        lock.writeLock().lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new CancellationException("live window closed"));
            }
            switch (classifyLocked(msn, part)) {
                case AVAILABLE:
                    return CompletableFuture.completedFuture(null);
                case TOO_FAR:
                    return CompletableFuture.failedFuture(new IllegalArgumentException(
                            "_HLS_msn=" + msn + "&_HLS_part=" + part + " is too far ahead"));
                default:
                    break;
            }
            if (waiters.size() >= settings.maxWaiters()) {
                return CompletableFuture.failedFuture(new RejectedExecutionException(
                        waiters.size() + " blocking reloads already pending"));
            }
            waiter = new Waiter(msn, part);
            waiters.add(waiter);
        } finally {
            lock.writeLock().unlock();
        }
        // Whoever completes a waiter takes it out of the set first (wake, close, timeout alike), so a
        // caller's callback never sees its completed waiter still counted. The timeout runs on the JDK's
        // shared delay scheduler through a private timer future; completing the timer cancels it.
        CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        timer.whenComplete((v, e) -> {
            if (e != null && remove(waiter)) {
                waiter.future.completeExceptionally(new TimeoutException(
                        "_HLS_msn=" + msn + "&_HLS_part=" + part + " not available within " + timeout));
            }
        });
        // completed by anyone (or cancelled by the caller): stop the timer, free the place
        waiter.future.whenComplete((v, e) -> {
            remove(waiter);
            timer.complete(null);
        });
        return waiter.future;
    }

    private boolean remove(Waiter waiter) {
        lock.writeLock().lock();
        try {
            return waiters.remove(waiter);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Blocking reloads pending now. */
    public int waiters() {
        lock.readLock().lock();
        try {
            return waiters.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes and returns the waiters whose request is now available. */
    private List<Waiter> ready() {
        List<Waiter> out = new ArrayList<>();
        for (var it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (classifyLocked(w.msn, w.part) == Request.AVAILABLE) {
                it.remove();
                out.add(w);
            }
        }
        return out;
    }

    private static void complete(List<Waiter> woken) {
        for (Waiter w : woken) {
            w.future.complete(null);
        }
    }

    /** Init section {@code k}; init sections are never recycled, so the loan needs no closing (but may be). */
    public Optional<LentBytes> init(int k) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(inits.get(k)).map(LentBytes::owned);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * A part's bytes, lent until closed; empty when it does not exist (yet) or was dropped. Close
     * it once written: until then its segment's arrays are not recycled.
     */
    public Optional<LentBytes> part(long msn, int index) {
        lock.readLock().lock();
        try {
            LiveSegment segment = find(msn);
            if (segment == null || index < 0 || index >= segment.partCount()) {
                return Optional.empty();
            }
            return Optional.of(lend(segment, List.of(segment.part(index).bytes())));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A complete segment's bytes (its parts in order) in one new array, empty while it is open or once dropped. */
    public Optional<byte[]> segment(long msn) {
        return segmentParts(msn).map(lent -> {
            try (lent) {
                return lent.toArray();
            }
        });
    }

    /**
     * A complete segment's parts in order, lent until closed (see {@link #part}): for a writer that
     * sends them one after the other instead of copying a whole segment into one array first.
     */
    public Optional<LentBytes> segmentParts(long msn) {
        lock.readLock().lock();
        try {
            LiveSegment segment = find(msn);
            if (segment == null || !segment.isComplete()) {
                return Optional.empty();
            }
            List<Chunk> parts = new ArrayList<>(segment.parts().size());
            for (LivePart p : segment.parts()) {
                parts.add(p.bytes());
            }
            return Optional.of(lend(segment, parts));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Under the read lock (so that {@link #evict} sees the loan). */
    private static LentBytes lend(LiveSegment segment, List<Chunk> chunks) {
        segment.readers.incrementAndGet();
        return new LentBytes(chunks, segment.readers);
    }

    private LiveSegment find(long msn) {
        LiveSegment first = segments.peekFirst();
        if (first == null || msn < first.msn || msn > segments.peekLast().msn) {
            return null;
        }
        for (LiveSegment s : segments) {
            if (s.msn == msn) {
                return s;
            }
        }
        return null;
    }

    /** Bytes held: init sections plus the arrays of the parts kept (a recycled array may be longer than its part). */
    public long bytes() {
        lock.readLock().lock();
        try {
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops everything and fails every pending waiter with a CancellationException. Idempotent. */
    @Override
    public void close() {
        List<Waiter> cancelled;
        lock.writeLock().lock();
        try {
            closed = true;
            segments.clear();
            inits.clear();
            open = null;
            bytes = 0;
            rendered = null;
            cancelled = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.writeLock().unlock();
        }
        for (Waiter w : cancelled) {
            w.future.completeExceptionally(new CancellationException("live window closed"));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("live window closed");
        }
    }

    private static final class Waiter {
        final long msn;
        final int part;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Waiter(long msn, int part) {
            this.msn = msn;
            this.part = part;
        }
    }
}
