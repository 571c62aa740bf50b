package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.lenswire.hls.LiveWindow.Request;

class LiveWindowTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private static LiveWindow window(int maxSegments, int maxWaiters) {
        return new LiveWindow(new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), maxSegments, 1 << 24, maxWaiters));
    }

    /** Segment {@code msn} complete with {@code parts} parts of 200 ms. */
    private static void segment(LiveWindow w, int parts) {
        w.beginSegment(0);
        for (int i = 0; i < parts; i++) {
            w.addPart(new byte[] {(byte) i}, 200_000, i == 0);
        }
        w.endSegment();
    }

    @Test
    void theProducerContractIsEnforced() {
        try (LiveWindow w = window(3, 10)) {
            assertThatThrownBy(() -> w.beginSegment(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("init");
            w.newInit(new byte[4]);
            assertThatThrownBy(() -> w.addPart(new byte[1], 200_000, true)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(w::endSegment).isInstanceOf(IllegalStateException.class);
            w.beginSegment(0);
            assertThatThrownBy(() -> w.beginSegment(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("still open");
            assertThatThrownBy(() -> w.addPart(new byte[1], 200_000, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("independent");
            assertThatThrownBy(() -> w.addPart(new byte[1], 0, true)).isInstanceOf(IllegalArgumentException.class);
            LivePart part = w.addPart(new byte[1], 200_000, true);
            assertThat(part).extracting(LivePart::msn, LivePart::index, LivePart::independent).containsExactly(0L, 0, true);
            assertThat(w.addPart(new byte[1], 200_000, false).index()).isEqualTo(1);
            assertThatThrownBy(() -> w.classify(-1, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.classify(0, -2)).isInstanceOf(IllegalArgumentException.class);
            w.close();
            assertThatThrownBy(() -> w.newInit(new byte[1])).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void readsAnswerWhatIsKeptAndBytesAreCountedExactly() {
        try (LiveWindow w = window(2, 10)) {
            byte[] init = {1, 2, 3};
            w.newInit(init);
            init[0] = 9; // the window keeps its own copy
            assertThat(w.init(0).map(LentBytes::toArray)).contains(new byte[] {1, 2, 3});
            w.beginSegment(0);
            byte[] fragment = {10, 11};
            w.addPart(fragment, 200_000, true); // handed over: the window keeps this array, no copy per part
            w.addPart(new byte[] {12}, 200_000, false);
            assertThat(w.bytes()).isEqualTo(3 + 2 + 1);
            assertThat(read(w.part(0, 0))).contains(new byte[] {10, 11});
            try (LentBytes lent = w.part(0, 0).orElseThrow()) {
                assertThat(lent.chunks()).singleElement().extracting(Chunk::array).isSameAs(fragment);
            }
            assertThat(w.part(0, 2)).isEmpty();
            assertThat(w.segment(0)).as("open").isEmpty();
            w.endSegment();
            assertThat(w.segment(0)).contains(new byte[] {10, 11, 12});
            assertThat(w.init(1)).isEmpty();
            segment(w, 3);
            segment(w, 4);
            assertThat(w.segment(0)).as("evicted").isEmpty();
            assertThat(w.part(0, 0)).isEmpty();
            assertThat(w.segment(2)).contains(new byte[] {0, 1, 2, 3});
            assertThat(w.bytes()).isEqualTo(3 + 3 + 4);
            w.close();
            assertThat(w.bytes()).isZero();
            assertThat(w.playlist(null)).isEmpty();
            assertThat(w.init(0)).isEmpty();
            assertThat(w.segment(2)).isEmpty();
        }
    }

    /**
     * hls.js without low-latency mode asks for the last part of the open segment (the highest part
     * index its playlist has) to hear when the segment completes; early in a segment that is
     * beyond the Advance Part Limit, and refusing it made that player retry every second with
     * 400s (seen in the glass-to-glass bench). A part index no segment reached is still too far.
     */
    @Test
    void theOpenSegmentsLastPartIsNotTooFarForAStandardPlayer() {
        try (LiveWindow w = window(3, 10)) {
            w.newInit(new byte[1]);
            segment(w, 5); // segment 0: parts 0..4
            assertThat(w.classify(1, 4)).as("no part of segment 1 yet: its last part").isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 5)).as("an index no segment reached").isEqualTo(Request.TOO_FAR);
            w.beginSegment(0);
            w.addPart(new byte[1], 200_000, true);
            assertThat(w.classify(1, 4)).as("segment 1 has part 0: its last part, 4 beyond").isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 5)).isEqualTo(Request.TOO_FAR);
        }
    }

    @Test
    void requestsAreClassifiedPerTheSpec() {
        try (LiveWindow w = window(3, 10)) {
            w.newInit(new byte[1]);
            assertThat(w.classify(0, -1)).isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 0)).isEqualTo(Request.PENDING);
            assertThat(w.classify(2, 0)).as("no segment yet: 0 and 1 may come").isEqualTo(Request.TOO_FAR);
            segment(w, 5); // segment 0: parts 0..4
            w.beginSegment(0);
            w.addPart(new byte[1], 200_000, true);
            w.addPart(new byte[1], 200_000, false); // segment 1 open: parts 0..1
            assertThat(w.classify(0, -1)).isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(0, 4)).isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(0, 5)).as("past the last part of 0: part 0 of 1").isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(0, 1_000)).isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(1, -1)).isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 1)).isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(1, 2)).isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 4)).as("three parts beyond the last").isEqualTo(Request.PENDING);
            assertThat(w.classify(1, 5)).as("four parts beyond the last").isEqualTo(Request.TOO_FAR);
            assertThat(w.classify(2, -1)).isEqualTo(Request.PENDING);
            assertThat(w.classify(2, 7)).as("the open segment's successor: its parts cannot be counted yet").isEqualTo(Request.PENDING);
            assertThat(w.classify(3, 0)).as("more than two beyond the last complete segment").isEqualTo(Request.TOO_FAR);
            assertThat(w.classify(3, -1)).isEqualTo(Request.TOO_FAR);
            w.endSegment();
            assertThat(w.classify(1, 2)).as("segment 1 ended after two parts: part 0 of 2").isEqualTo(Request.PENDING);
            assertThat(w.classify(3, 0)).isEqualTo(Request.PENDING);
            for (int i = 0; i < 4; i++) {
                segment(w, 2);
            }
            assertThat(w.segment(0)).isEmpty();
            assertThat(w.classify(0, 0)).as("evicted: later segments are listed").isEqualTo(Request.AVAILABLE);
            assertThat(w.classify(0, -1)).isEqualTo(Request.AVAILABLE);
        }
    }

    @Test
    void aWindowNumberedByCaptureTimeStartsAboveAnEarlierWindowOfTheCameraAndAnswersItsPlayersNumbers() throws Exception {
        LiveWindowSettings settings = new LiveWindowSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 3, 1 << 24, 10);
        long t0 = 1_796_040_000_000L; // 2026-11-30, milliseconds since the epoch
        long oldLast;
        try (LiveWindow old = LiveWindow.numberedByCaptureTime(settings)) {
            old.newInit(new byte[4]);
            // started from cached GOPs captured before now: 6 segments of 1.2 s
            for (int k = 0; k < 6; k++) {
                old.beginSegment(t0 + k * 1200L);
                for (int i = 0; i < 6; i++) {
                    old.addPart(new byte[1], 200_000, i == 0);
                }
                old.endSegment();
            }
            // the first segment was numbered by its capture time, the others count on
            assertThat(old.playlist(null).orElseThrow()).contains("#EXT-X-MEDIA-SEQUENCE:" + (t0 / 1000 + 3) + "\n")
                    .doesNotContain("DISCONTINUITY");
            oldLast = t0 / 1000 + 5;
            assertThat(old.segment(oldLast)).isPresent();
            assertThat(old.classify(oldLast + 1, 0)).isEqualTo(Request.PENDING);
        }
        // the camera's next owner connects 4 s after the old one's last frame
        try (LiveWindow next = LiveWindow.numberedByCaptureTime(settings)) {
            assertThat(next.classify(oldLast + 1, 0)).as("nothing known before a segment begins: wait").isEqualTo(Request.PENDING);
            assertThat(next.classify(Long.MAX_VALUE / 2, 0)).isEqualTo(Request.PENDING);
            CompletableFuture<Void> oldPlayer = next.whenAvailable(oldLast + 1, 0, LONG);
            next.newInit(new byte[4]);
            long start = t0 + 6 * 1200L + 4000;
            next.beginSegment(start);
            long first = start / 1000;
            assertThat(first).isGreaterThan(oldLast + 1);
            next.addPart(new byte[1], 200_000, true);
            assertThat(next.classify(oldLast + 1, 0)).as("an older window's number waits for this one's first segment")
                    .isEqualTo(Request.PENDING);
            assertThat(oldPlayer).isNotDone();
            assertThat(next.classify(first + 3, 0)).isEqualTo(Request.TOO_FAR);
            next.endSegment();
            oldPlayer.get(5, TimeUnit.SECONDS);
            assertThat(next.classify(oldLast + 1, 0)).isEqualTo(Request.AVAILABLE);
            assertThat(next.classify(0, -1)).as("the first playlist's wait").isEqualTo(Request.AVAILABLE);
            assertThat(next.classify(first + 1, 0)).isEqualTo(Request.PENDING);
            assertThat(next.classify(first + 3, 0)).isEqualTo(Request.TOO_FAR);
            assertThat(next.part(first, 0)).isPresent();
            assertThat(next.playlist(null).orElseThrow()).contains("#EXT-X-MEDIA-SEQUENCE:" + first + "\n")
                    .contains("#EXT-X-MAP:URI=\"init_0.mp4\"\n#EXT-X-PROGRAM-DATE-TIME").doesNotContain("DISCONTINUITY");
        }
    }

    @Test
    void aWaiterCompletesOnItsPartAndNotBefore() throws Exception {
        try (LiveWindow w = window(3, 10)) {
            w.newInit(new byte[1]);
            w.beginSegment(0);
            w.addPart(new byte[1], 200_000, true);
            CompletableFuture<Void> part3 = w.whenAvailable(0, 3, LONG);
            CompletableFuture<Void> whole0 = w.whenAvailable(0, -1, LONG);
            assertThat(w.waiters()).isEqualTo(2);
            w.addPart(new byte[1], 200_000, false);
            CompletableFuture<Void> rollover = w.whenAvailable(0, 4, LONG);
            w.addPart(new byte[1], 200_000, false);
            assertThat(part3).isNotDone();
            w.addPart(new byte[1], 200_000, false);
            assertThat(part3).isCompletedWithValue(null);
            assertThat(whole0).isNotDone();
            w.endSegment();
            assertThat(whole0).isCompletedWithValue(null);
            assertThat(rollover).as("segment 0 ended with 4 parts: part 4 means part 0 of segment 1").isNotDone();
            w.beginSegment(0);
            assertThat(rollover).isNotDone();
            w.addPart(new byte[1], 200_000, true);
            assertThat(rollover).isCompletedWithValue(null);
            assertThat(w.waiters()).isZero();
            assertThat(w.whenAvailable(1, 0, LONG)).as("already there").isCompletedWithValue(null);
            assertThatThrownBy(() -> w.whenAvailable(5, 0, LONG).get()).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(w.waiters()).isZero();
        }
    }

    @Test
    void waitersAreCompletedOutsideTheWindowsLock() throws Exception {
        try (LiveWindow w = window(3, 10)) {
            w.newInit(new byte[1]);
            w.beginSegment(0);
            AtomicBoolean otherThreadGotIn = new AtomicBoolean();
            CompletableFuture<Void> callback = w.whenAvailable(0, 0, LONG).thenRun(() -> {
                // another thread using the window from inside the callback: blocked while the lock is held
                AtomicBoolean read = new AtomicBoolean();
                Thread reader = new Thread(() -> read.set(w.playlist(null).isPresent()));
                reader.start();
                try {
                    reader.join(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                otherThreadGotIn.set(read.get()); // read now: once this callback returns, the lock may be free
            });
            w.addPart(new byte[1], 200_000, true);
            callback.get(10, TimeUnit.SECONDS);
            assertThat(otherThreadGotIn).isTrue();
        }
    }

    @Test
    void timedOutWaitersLeaveNothingBehind() throws Exception {
        int n = 10_000;
        try (LiveWindow w = window(3, n)) {
            w.newInit(new byte[1]);
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(w.whenAvailable(i % 2, i % 4 - 1, Duration.ofMillis(500 + i % 100)));
            }
            assertThat(w.waiters()).isEqualTo(n);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Void> f : futures) {
                assertThatThrownBy(f::get).hasCauseInstanceOf(TimeoutException.class);
            }
            assertThat(w.waiters()).isZero();
            // and the window still wakes new waiters
            CompletableFuture<Void> next = w.whenAvailable(0, 0, LONG);
            w.beginSegment(0);
            w.addPart(new byte[1], 200_000, true);
            assertThat(next).isCompletedWithValue(null);
        }
    }

    @Test
    void moreThanMaxWaitersAreRefusedAtOnce() throws Exception {
        try (LiveWindow w = window(3, 3)) {
            w.newInit(new byte[1]);
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pending.add(w.whenAvailable(0, i, LONG));
            }
            CompletableFuture<Void> refused = w.whenAvailable(0, 0, LONG);
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::get).hasCauseInstanceOf(RejectedExecutionException.class);
            assertThat(w.whenAvailable(0, 0, LONG).isCompletedExceptionally()).isTrue();
            w.beginSegment(0);
            w.addPart(new byte[1], 200_000, true); // wakes the waiter for part 0: one place free
            assertThat(pending.get(0)).isCompletedWithValue(null);
            assertThat(w.waiters()).isEqualTo(2);
            CompletableFuture<Void> accepted = w.whenAvailable(0, 3, LONG);
            assertThat(accepted).isNotDone();
            assertThat(w.whenAvailable(0, 3, LONG)).isCompletedExceptionally();
            accepted.cancel(false); // the viewer went away: its place is free again
            assertThat(w.waiters()).isEqualTo(2);
            assertThat(w.whenAvailable(0, 3, LONG)).isNotDone();
        }
    }

    @Test
    void closeCancelsEveryWaiterAndRefusesNewOnes() {
        LiveWindow w = window(3, 100);
        w.newInit(new byte[1]);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pending.add(w.whenAvailable(0, i % 3, LONG));
        }
        w.close();
        for (CompletableFuture<Void> f : pending) {
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        }
        assertThat(w.waiters()).isZero();
        assertThatThrownBy(() -> w.whenAvailable(0, 0, LONG).join()).isInstanceOf(CancellationException.class);
        w.close(); // idempotent
    }

    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_(\\d+)_(\\d+)\\.m4s\"");

    @Test
    void aWriterAndEightReadersRenderingAndAwaitingConcurrently() throws Exception {
        int readers = 8;
        int awaitsPerReader = 150;
        try (LiveWindow w = window(4, readers)) {
            w.newInit(new byte[16]);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch readersDone = new CountDownLatch(readers);
            AtomicInteger parts = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try {
                    int segments = 0;
                    while (readersDone.getCount() > 0) {
                        if (segments % 7 == 6) {
                            w.newInit(new byte[16 + segments]); // reconnects on the way
                        }
                        w.beginSegment(segments * 1000L);
                        for (int i = 0; i < 5 && readersDone.getCount() > 0; i++) {
                            w.addPart(new byte[100], 200_000, i == 0);
                            parts.incrementAndGet();
                            Thread.sleep(1);
                        }
                        w.endSegment();
                        segments++;
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "writer");
            List<Thread> threads = new ArrayList<>();
            AtomicInteger awaited = new AtomicInteger();
            for (int r = 0; r < readers; r++) {
                threads.add(new Thread(() -> {
                    try {
                        int done = 0;
                        while (done < awaitsPerReader) {
                            String playlist = w.playlist("r").orElse(null);
                            if (playlist == null) { // started before the first part: not one of the counted awaits
                                w.whenAvailable(0, 0, LONG).get(30, TimeUnit.SECONDS);
                                continue;
                            }
                            List<String> violations = LlHlsPlaylistChecker.violations(playlist, "r");
                            if (!violations.isEmpty()) {
                                throw new AssertionError(violations + " in\n" + playlist);
                            }
                            Matcher hint = HINT.matcher(playlist.replace("?token=r", ""));
                            if (!hint.find()) {
                                throw new AssertionError("no hint in\n" + playlist);
                            }
                            long msn = Long.parseLong(hint.group(1));
                            int index = Integer.parseInt(hint.group(2));
                            w.whenAvailable(msn, index, LONG).get(30, TimeUnit.SECONDS);
                            awaited.incrementAndGet();
                            done++;
                            if (w.classify(msn, index) != Request.AVAILABLE) {
                                throw new AssertionError("woken for " + msn + "." + index + " before it was there");
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        readersDone.countDown();
                    }
                }, "reader-" + r));
            }
            writer.start();
            threads.forEach(Thread::start);
            assertThat(readersDone.await(120, TimeUnit.SECONDS)).as("readers finished").isTrue();
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
            assertThat(failures).isEmpty();
            assertThat(awaited.get()).isEqualTo(readers * awaitsPerReader);
            assertThat(parts.get()).isGreaterThanOrEqualTo(awaitsPerReader);
            assertThat(w.waiters()).isZero();
        }
    }

    /** Segment {@code msn} complete with {@code parts} parts cut into the window's arrays, each filled with its number. */
    private static List<byte[]> recycledSegment(LiveWindow w, int parts, int size) {
        List<byte[]> arrays = new ArrayList<>();
        w.beginSegment(0);
        for (int i = 0; i < parts; i++) {
            byte[] buffer = w.buffer(size);
            java.util.Arrays.fill(buffer, 0, size, (byte) i);
            w.addPart(new Chunk(buffer, size), 200_000, i == 0);
            arrays.add(buffer);
        }
        w.endSegment();
        return arrays;
    }

    @Test
    void aDroppedSegmentsArraysAreCutIntoAgainAndAPartIsItsLengthNotItsArray() {
        try (LiveWindow w = window(2, 10)) {
            w.newInit(new byte[4]);
            List<byte[]> first = recycledSegment(w, 3, 1000);
            assertThat(first).allSatisfy(a -> assertThat(a).hasSize(FragmentBuffers.GRANULE));
            assertThat(read(w.part(0, 1))).as("the part, not its array").contains(filled(1000, 1));
            assertThat(w.bytes()).as("memory held: whole arrays").isEqualTo(4 + 3L * FragmentBuffers.GRANULE);
            recycledSegment(w, 3, 1000);
            List<byte[]> third = recycledSegment(w, 3, 1000); // segment 0 dropped at the end of segment 2
            assertThat(w.segment(0)).isEmpty();
            List<byte[]> fourth = recycledSegment(w, 3, 1000);
            assertThat(shared(fourth, first)).as("segment 0's arrays cut into again").isEqualTo(3);
            assertThat(shared(third, first)).isZero();
            assertThat(w.segment(3)).contains(concat(filled(1000, 0), filled(1000, 1), filled(1000, 2)));
            assertThatThrownBy(() -> w.addPart(new Chunk(new byte[10], 11), 200_000, true)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSegmentLentWhenDroppedIsNotCutIntoAgainSoItsReaderKeepsWhatItWasLent() {
        try (LiveWindow w = window(2, 10)) {
            w.newInit(new byte[4]);
            List<byte[]> first = recycledSegment(w, 3, 1000);
            LentBytes lentPart = w.part(0, 2).orElseThrow();
            LentBytes lentSegment = w.segmentParts(0).orElseThrow();
            lentSegment.close();
            lentSegment.close(); // idempotent: one loan given back once
            List<byte[]> cut = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                cut.addAll(recycledSegment(w, 3, 1000));
            }
            assertThat(w.segment(0)).as("dropped").isEmpty();
            assertThat(shared(cut, first)).as("segment 0 was lent when dropped").isZero();
            assertThat(shared(cut.subList(6, 12), cut.subList(0, 6))).as("the others were recycled").isPositive();
            assertThat(lentPart.toArray()).as("what the slow reader writes").isEqualTo(filled(1000, 2));
            lentPart.close();
            assertThat(shared(recycledSegment(w, 3, 1000), first)).as("still not: it was dropped while lent").isZero();
        }
    }

    @Test
    void readersNeverSeeAPartChangeWhileTheProducerCutsIntoRecycledArrays() throws Exception {
        try (LiveWindow w = window(2, 10)) {
            w.newInit(new byte[4]);
            AtomicBoolean stop = new AtomicBoolean();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger checked = new AtomicInteger();
            AtomicInteger cut = new AtomicInteger();
            java.util.Set<byte[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            Thread writer = new Thread(() -> {
                try {
                    for (long msn = 0; !stop.get(); msn++) {
                        w.beginSegment(0);
                        for (int i = 0; i < 3; i++) {
                            int size = 3000 + (int) (msn % 5) * 1000; // sizes vary, as a camera's parts do
                            byte[] buffer = w.buffer(size);
                            java.util.Arrays.fill(buffer, 0, size, (byte) (msn * 3 + i));
                            w.addPart(new Chunk(buffer, size), 200_000, i == 0);
                            arrays.add(buffer);
                            cut.incrementAndGet();
                        }
                        w.endSegment();
                        Thread.sleep(1); // paced, so that readers find parts still listed even on a loaded machine
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "writer");
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            for (long msn = Math.max(0, lastMsn(w) - 3); msn <= lastMsn(w); msn++) {
                                for (int i = 0; i < 3; i++) {
                                    Optional<LentBytes> lent = w.part(msn, i);
                                    if (lent.isEmpty()) {
                                        continue;
                                    }
                                    try (LentBytes part = lent.get()) {
                                        Chunk c = part.chunks().get(0);
                                        byte expected = (byte) (msn * 3 + i);
                                        Thread.yield(); // the producer runs on meanwhile
                                        for (int b = 0; b < c.length(); b++) {
                                            if (c.array()[b] != expected) {
                                                throw new AssertionError("part " + msn + "." + i + " changed while lent");
                                            }
                                        }
                                        checked.incrementAndGet();
                                    }
                                }
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }, "reader-" + r));
            }
            writer.start();
            readers.forEach(Thread::start);
            // by work done, not by time: a loaded machine (CI) only takes longer
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while ((checked.get() <= 2000 || cut.get() <= 6000) && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            stop.set(true);
            writer.join(10_000);
            for (Thread t : readers) {
                t.join(10_000);
            }
            assertThat(failures).isEmpty();
            assertThat(checked.get()).as("parts checked while lent").isGreaterThan(2000);
            System.out.printf("LiveWindowTest: %d parts cut into %d distinct arrays, %d checked while lent%n", cut.get(), arrays.size(),
                    checked.get());
            assertThat(cut.get() - arrays.size()).as("parts cut into a recycled array (of %d)", cut.get()).isGreaterThan(500);
        }
    }

    private static final Pattern MSN = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");

    private static long lastMsn(LiveWindow w) {
        Optional<String> playlist = w.playlist(null);
        if (playlist.isEmpty()) {
            return 0;
        }
        Matcher m = MSN.matcher(playlist.get());
        return m.find() ? Long.parseLong(m.group(1)) + 2 : 0;
    }

    /** The lent bytes copied, the loan ended. */
    private static Optional<byte[]> read(Optional<LentBytes> lent) {
        return lent.map(l -> {
            try (l) {
                return l.toArray();
            }
        });
    }

    /** How many of {@code these} arrays are (the same objects as) arrays of {@code those}. */
    private static long shared(List<byte[]> these, List<byte[]> those) {
        java.util.Set<byte[]> identities = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        identities.addAll(those);
        return these.stream().filter(identities::contains).count();
    }

    private static byte[] filled(int size, int value) {
        byte[] out = new byte[size];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        return LentBytesTest.concat(parts);
    }

    @Test
    void thePreloadHintNamesTheNextSegmentsFirstPartOnceTheOpenOneHasAsManyPartsAsTheLast() {
        try (LiveWindow w = window(6, 100)) {
            w.newInit(new byte[8]);
            w.beginSegment(0);
            for (int i = 0; i < 5; i++) {
                w.addPart(new byte[10], 200_000, i == 0);
            }
            w.endSegment();
            w.beginSegment(1000);
            for (int i = 0; i < 4; i++) {
                w.addPart(new byte[10], 200_000, i == 0);
            }
            assertThat(w.playlist(null).orElseThrow()).as("4 of 5: the open segment's next part")
                    .endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_000001_4.m4s\"\n");
            w.addPart(new byte[10], 200_000, false);
            String playlist = w.playlist(null).orElseThrow();
            assertThat(playlist).as("5 of 5: the key frame is next, so the next segment's first part")
                    .endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_000002_0.m4s\"\n");
            LlHlsPlaylistChecker.assertConforms(playlist, null);
            // a longer GOP this time: a sixth part still comes, and the hint was only early
            w.addPart(new byte[10], 200_000, false);
            assertThat(w.classify(2, 0)).isEqualTo(LiveWindow.Request.PENDING);
            assertThat(w.playlist(null).orElseThrow()).endsWith("URI=\"part_000002_0.m4s\"\n");
        }
    }
}
