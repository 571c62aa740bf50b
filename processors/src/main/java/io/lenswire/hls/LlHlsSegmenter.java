package io.lenswire.hls;

import java.io.IOException;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/**
 * Cuts one camera's packets into LL-HLS parts and segments, by packet copy, and hands them to a
 * {@link LivePartSink}.
 *
 * <p>Boundaries are decided on video: a segment starts at a key frame once the open one has
 * lasted the segment target less a tenth (so a GOP longer than the target makes longer segments,
 * and one slightly shorter, as cameras' clocks make them, is not doubled); a part ends
 * before the frame that would take it past the part target, so no part is longer than the target.
 * A part starting with a key frame is independent.
 *
 * <p>Each video packet is held until the next one arrives: its duration is the gap between their
 * decode times, which the muxer needs for the last sample of a fragment, and a part can only be
 * known complete when the frame after it is seen. So a part is published one frame (e.g. 40 ms at
 * 25 fps) after its last frame arrived. Audio (AAC) goes into the part being written as it arrives.
 *
 * <p>Timestamps: the first key frame of the first connection is time zero; a later connection (a
 * reconnect, seen as a new {@link StreamInfo}) opens a new init section with a discontinuity and
 * continues the timeline where the last one ended, so players' clocks never go back. Packets
 * before a connection's first key frame, or whose decode time does not increase, are dropped
 * (a shared RTSP stream may start mid-GOP with odd timestamps).
 *
 * <p>A write that fails (libavformat refusing a packet) drops the output; the next key frame
 * starts a new one, after a discontinuity.
 *
 * <p>Thread-safety: one thread (the camera's HLS branch) writes; {@link #close} may also come from
 * a stop whose branch did not end in time, so both hold the same lock and native memory is never
 * freed under a running write. {@link #failure()} is lock-free.
 */
final class LlHlsSegmenter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlHlsSegmenter.class);
    private static final long MICROS = 1_000_000L;
    /** Samples in an AAC frame: the duration of an audio packet that arrives without one. */
    private static final int AAC_FRAME_SAMPLES = 1024;

    private final String cameraId;
    private final LivePartSink sink;
    private final long partTargetMicros;
    /** A key frame at least this far into the open segment starts the next: the target less a tenth. */
    private final long segmentCutMicros;

    private Fmp4Fragmenter fragmenter;
    private StreamInfo stream;
    private long originMicros = Long.MIN_VALUE;
    private long timelineMicros;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long lastVideoDuration;
    /**
     * The last frames' durations (video time base), a ring: a frame joins the open part only if
     * the longest of them still fits, so that a frame that comes late (a camera whose timestamps
     * jitter) does not stretch the part past PART-TARGET, which RFC 8216bis forbids.
     */
    private final long[] recentDurations = new long[8];
    private int recentCount;
    private int recentNext;
    private HeldFrame held;

    private boolean segmentOpen;
    private boolean segmentAnnounced;
    private long segmentStartMicros;
    private long segmentDateMillis;
    private long partStartMicros;
    private boolean partIndependent;
    private long anchorWallMillis;
    private long anchorMicros;
    /** Where the last connection's dates ended: a new connection's never start before it. */
    private long datesEndMillis = Long.MIN_VALUE;

    private long written;
    private long dropped;
    private boolean closed;
    private boolean audioDroppedReported;
    /** Why the output fails now, or null while it works; read by health without the lock. */
    private volatile String failure;

    /** A video packet waiting for the next one, which gives its duration. Timestamps rebased, in the video time base. */
    private record HeldFrame(byte[] data, boolean keyFrame, long pts, long dts) {
    }

    LlHlsSegmenter(String cameraId, LivePartSink sink, Duration partTarget, Duration segmentTarget) {
        this.cameraId = cameraId;
        this.sink = sink;
        this.partTargetMicros = partTarget.toNanos() / 1000;
        // a key frame a little early still ends the segment: a camera's 1 s GOP measures 0.96-1.0 s
        // on its own clock, and waiting for the next one made every segment two GOPs long
        this.segmentCutMicros = segmentTarget.toNanos() / 1000 * 9 / 10;
    }

    synchronized void write(EncodedPacket p) {
        if (closed) {
            return;
        }
        if (stream != p.stream()) {
            if (!p.isVideoKeyFrame()) {
                dropped++; // wait for a key frame of the new connection (or of a retry after a failure)
                return;
            }
            try {
                startConnection(p.stream());
            } catch (IOException e) {
                dropped++;
                failed(e.getMessage());
                return;
            }
        }
        try {
            if (p.video()) {
                writeVideo(p);
            } else if (fragmenter.carriesAudio()) {
                writeAudio(p);
            }
        } catch (IOException e) {
            dropped++;
            failed(e.getMessage());
            dropOutput();
        }
    }

    /** Keeps the reason; logs at WARN when the output starts failing, not for every failing packet or retry. */
    private void failed(String reason) {
        if (failure == null) {
            LOG.warn("camera {}: HLS output failing, restarting at the next key frame: {}", cameraId, reason);
        }
        failure = reason;
    }

    /** Why the output fails now, or null while it works. */
    String failure() {
        return failure;
    }

    private void startConnection(StreamInfo info) throws IOException {
        finishConnection();
        boolean audio = info.audio() != null && Fmp4Fragmenter.carriesAudio(info.audio());
        if (info.audio() != null && !audio && !audioDroppedReported) {
            audioDroppedReported = true;
            LOG.info("camera {}: {} audio is not carried into HLS (only AAC is)", cameraId, info.audio().codec());
        }
        fragmenter = new Fmp4Fragmenter(info, audio);
        stream = info;
        originMicros = Long.MIN_VALUE;
        lastVideoDts = Long.MIN_VALUE;
        lastAudioDts = Long.MIN_VALUE;
        lastVideoDuration = 0;
        recentCount = 0;
        anchorWallMillis = Long.MIN_VALUE;
        sink.newInit(fragmenter.init());
    }

    private void writeVideo(EncodedPacket p) throws IOException {
        long tbNum = stream.timeBaseNum();
        long tbDen = stream.timeBaseDen();
        long ts = p.dts() != EncodedPacket.NO_TIMESTAMP ? p.dts() : p.pts();
        if (ts == EncodedPacket.NO_TIMESTAMP) {
            dropped++;
            return;
        }
        if (originMicros == Long.MIN_VALUE) {
            originMicros = toMicros(ts, tbNum, tbDen) - timelineMicros; // p is this connection's first key frame
        }
        long offset = fromMicros(originMicros, tbNum, tbDen);
        long dts = ts - offset;
        long pts = p.pts() == EncodedPacket.NO_TIMESTAMP ? dts : p.pts() - offset;
        if (dts <= lastVideoDts || dts < 0 || (!segmentOpen && !p.keyFrame())) {
            // a segment starts only at a key frame, also when the connection's first one was dropped
            dropped++;
            return;
        }
        lastVideoDts = dts;
        long dtsMicros = toMicros(dts, tbNum, tbDen);
        if (held != null) {
            lastVideoDuration = dts - held.dts();
            recentDurations[recentNext] = lastVideoDuration;
            recentNext = (recentNext + 1) % recentDurations.length;
            recentCount = Math.min(recentCount + 1, recentDurations.length);
            fragmenter.writeVideo(held.data(), held.keyFrame(), held.pts(), held.dts(), lastVideoDuration);
            written++;
        }
        if (!segmentOpen) {
            openSegment(p, dtsMicros);
        } else if (p.keyFrame() && dtsMicros - segmentStartMicros >= segmentCutMicros) {
            closePart(dtsMicros);
            closeSegment();
            openSegment(p, dtsMicros);
        } else if (dtsMicros + toMicros(longestRecentDuration(), tbNum, tbDen) - partStartMicros > partTargetMicros) {
            closePart(dtsMicros);
            partStartMicros = dtsMicros;
            partIndependent = p.keyFrame();
        }
        held = new HeldFrame(p.data(), p.keyFrame(), pts, dts);
        timelineMicros = Math.max(timelineMicros, dtsMicros);
    }

    private long longestRecentDuration() {
        long longest = 0;
        for (int i = 0; i < recentCount; i++) {
            longest = Math.max(longest, recentDurations[i]);
        }
        return longest;
    }

    private void writeAudio(EncodedPacket p) throws IOException {
        StreamInfo.AudioInfo audio = stream.audio();
        long ts = p.dts() != EncodedPacket.NO_TIMESTAMP ? p.dts() : p.pts();
        if (ts == EncodedPacket.NO_TIMESTAMP || originMicros == Long.MIN_VALUE) {
            dropped++; // no video yet: nothing to align the audio with
            return;
        }
        long offset = fromMicros(originMicros, audio.timeBaseNum(), audio.timeBaseDen());
        long dts = ts - offset;
        long pts = p.pts() == EncodedPacket.NO_TIMESTAMP ? dts : p.pts() - offset;
        if (dts <= lastAudioDts || dts < 0) {
            dropped++;
            return;
        }
        lastAudioDts = dts;
        long duration = p.duration() > 0 ? p.duration()
                : AAC_FRAME_SAMPLES * (long) audio.timeBaseDen() / ((long) audio.sampleRate() * audio.timeBaseNum());
        fragmenter.writeAudio(p.data(), pts, dts, duration);
        written++;
    }

    /**
     * The segment's date: capture time of its first frame, on one anchor per connection so that
     * dates follow media time, and never before the previous connection's last date (players
     * expect dates to go forward, also across a discontinuity).
     */
    private void openSegment(EncodedPacket first, long dtsMicros) {
        if (anchorWallMillis == Long.MIN_VALUE) {
            anchorWallMillis = Math.max(capturedMillis(first), datesEndMillis);
            anchorMicros = dtsMicros;
        }
        segmentOpen = true;
        segmentAnnounced = false;
        segmentStartMicros = dtsMicros;
        segmentDateMillis = anchorWallMillis + (dtsMicros - anchorMicros) / 1000;
        partStartMicros = dtsMicros;
        partIndependent = first.keyFrame();
    }

    /** Publishes what was written since the part started; the sink sees a segment only once it has a part. */
    private void closePart(long endMicros) throws IOException {
        Chunk fragment = fragmenter.flush(sink::buffer);
        if (fragment.length() == 0) {
            return;
        }
        if (!segmentAnnounced) {
            sink.beginSegment(segmentDateMillis);
            segmentAnnounced = true;
        }
        sink.addPart(fragment, endMicros - partStartMicros, partIndependent);
        if (failure != null) {
            failure = null;
            LOG.info("camera {}: HLS output recovered", cameraId);
        }
    }

    private void closeSegment() {
        if (segmentAnnounced) {
            sink.endSegment();
        }
        segmentOpen = false;
        segmentAnnounced = false;
    }

    /**
     * Ends the current connection's output: its last frame (with the previous frame's duration,
     * as the next one will not come) closes the open part and segment.
     */
    private void finishConnection() {
        if (fragmenter == null) {
            return;
        }
        try {
            if (held != null && segmentOpen) {
                fragmenter.writeVideo(held.data(), held.keyFrame(), held.pts(), held.dts(), Math.max(lastVideoDuration, 1));
                written++;
                long end = toMicros(held.dts() + Math.max(lastVideoDuration, 1), stream.timeBaseNum(), stream.timeBaseDen());
                timelineMicros = Math.max(timelineMicros, end);
                closePart(end);
            }
            if (anchorWallMillis != Long.MIN_VALUE) {
                datesEndMillis = anchorWallMillis + (timelineMicros - anchorMicros) / 1000;
            }
        } catch (IOException e) {
            LOG.debug("camera {}: the last part of a connection was lost: {}", cameraId, e.getMessage());
        }
        closeSegment();
        dropOutput();
    }

    private void dropOutput() {
        if (fragmenter != null) {
            fragmenter.close();
            fragmenter = null;
        }
        if (segmentOpen) {
            closeSegment();
        }
        held = null;
        stream = null;
    }

    synchronized long writtenPackets() {
        return written;
    }

    synchronized long droppedPackets() {
        return dropped;
    }

    /** From the branch's thread, or from a stop whose branch did not end in time (after its route stopped). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        dropOutput();
    }

    /** When a packet was received, on the wall clock (packets carry the monotonic clock). */
    private static long capturedMillis(EncodedPacket p) {
        return System.currentTimeMillis() - (System.nanoTime() - p.receivedNanos()) / 1_000_000L;
    }

    private static long toMicros(long ts, long tbNum, long tbDen) {
        return ts * MICROS * tbNum / tbDen;
    }

    private static long fromMicros(long micros, long tbNum, long tbDen) {
        return micros * tbDen / (MICROS * tbNum);
    }
}
