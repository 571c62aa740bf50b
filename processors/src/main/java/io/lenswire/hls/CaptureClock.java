package io.lenswire.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Puts the camera's capture time into a playlist's {@code #EXT-X-PROGRAM-DATE-TIME} lines.
 *
 * <p>FFmpeg's HLS muxer dates its first segment with the wall clock at its own start, but the
 * muxer starts from cached GOPs that were captured one to two GOPs earlier. Its dates are right
 * relative to each other within one muxer context (a reconnect opens a new one, with
 * {@code append_list}), though. So for each context the muxer records an anchor: the number of
 * its first segment and when that segment's first packet was received; the first playlist that
 * lists that segment tells what FFmpeg wrote for it; every later date of the context is shifted by
 * the difference. A date whose anchor has not been seen yet is served as FFmpeg wrote it.
 *
 * <p>Written by the muxer's thread ({@link #anchor}), read by request threads.
 */
final class CaptureClock {

    private static final String TAG = "#EXT-X-PROGRAM-DATE-TIME:";
    /** FFmpeg's format (strftime "%Y-%m-%dT%H:%M:%S" + ".mmm" + "%z"), which players already parse. */
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx");
    /** More anchors than segments a playlist can list is never needed. */
    private static final int MAX_ANCHORS = 32;

    private static final class Anchor {
        final long firstSegment;
        final long capturedMillis;
        volatile long ffmpegMillis = Long.MIN_VALUE;

        Anchor(long firstSegment, long capturedMillis) {
            this.firstSegment = firstSegment;
            this.capturedMillis = capturedMillis;
        }
    }

    private final Deque<Anchor> anchors = new ArrayDeque<>();

    /** A muxer context starts: its first segment is {@code firstSegment}, captured at {@code capturedMillis}. */
    synchronized void anchor(long firstSegment, long capturedMillis) {
        anchors.addLast(new Anchor(firstSegment, capturedMillis));
        while (anchors.size() > MAX_ANCHORS) {
            anchors.removeFirst();
        }
    }

    private synchronized Anchor anchorFor(long segment) {
        Iterator<Anchor> newestFirst = anchors.descendingIterator();
        while (newestFirst.hasNext()) {
            Anchor a = newestFirst.next();
            if (a.firstSegment <= segment) {
                return a;
            }
        }
        return null;
    }

    /** The playlist with every date it can place on the capture clock moved there. */
    String correct(String playlist) {
        String[] lines = playlist.split("\n", -1);
        boolean changed = false;
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith(TAG)) {
                continue;
            }
            long segment = nextSegmentNumber(lines, i + 1);
            Anchor anchor = segment < 0 ? null : anchorFor(segment);
            if (anchor == null) {
                continue;
            }
            long written;
            try {
                written = FORMAT.parse(lines[i].substring(TAG.length()).strip(), Instant::from).toEpochMilli();
            } catch (DateTimeParseException e) {
                continue;
            }
            if (segment == anchor.firstSegment) {
                anchor.ffmpegMillis = written;
            }
            long ffmpegStart = anchor.ffmpegMillis;
            if (ffmpegStart == Long.MIN_VALUE) {
                continue;
            }
            Instant captured = Instant.ofEpochMilli(anchor.capturedMillis + (written - ffmpegStart));
            lines[i] = TAG + FORMAT.format(captured.atOffset(ZoneOffset.UTC));
            changed = true;
        }
        return changed ? String.join("\n", lines) : playlist;
    }

    /** The number of the first segment URI at or after line {@code from}, or -1. */
    private static long nextSegmentNumber(String[] lines, int from) {
        for (int i = from; i < lines.length; i++) {
            if (!lines[i].isEmpty() && !lines[i].startsWith("#")) {
                return SegmentNames.number(lines[i].strip());
            }
        }
        return -1;
    }
}
