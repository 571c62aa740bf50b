package io.lenswire.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.LibavErrors;
import io.lenswire.ingest.StreamInfo;

/**
 * Copies one camera's packets into fMP4 HLS with libavformat's {@code hls} muxer: no decoding,
 * no encoding. Shared by every viewer of the camera.
 *
 * <p>Defaults: 2 s segments cut at key frames (first one 0.5 s), 5 in the playlist, older ones
 * deleted, independent segments, H.265 tagged {@code hvc1} so Safari plays it, AAC audio carried,
 * other audio dropped. Starts at a key frame, rebases timestamps to zero and drops packets whose
 * DTS does not increase (a shared RTSP stream may start mid-GOP with odd timestamps). A new
 * connection to the camera restarts the muxer on the same playlist with a discontinuity.
 *
 * <p>Output failures (unwritable directory, disk full) do not stop it: the failing output is
 * closed, the reason kept in {@link #failure()} and logged once at WARN, and the output is opened
 * again at the next key frame; the first packet written after that clears the failure.
 *
 * <p>Thread-safety: one writer thread (the camera's HLS route consumer) calls {@link #prime} and
 * {@link #write}; {@link #close} may come from another thread (a stop whose route did not end in
 * time) and waits for the write in hand, under the same lock, so native memory is never freed
 * under a running write. After close, writes are ignored. {@link #failure()} is lock-free.
 */
public final class HlsMuxer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HlsMuxer.class);
    static final String PLAYLIST = "index.m3u8";
    private static final long MICROS = 1_000_000L;

    private final String cameraId;
    private final Path directory;
    private final HlsProperties settings;

    private AVFormatContext output;
    private AVPacket packet;
    private StreamInfo stream;
    private int videoOut = -1;
    private int audioOut = -1;
    private AVRational videoTimeBase;
    private AVRational audioTimeBase;
    private long originMicros = Long.MIN_VALUE;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long timelineMicros;
    private long droppedPackets;
    private long writtenPackets;
    private boolean audioDroppedReported;
    /** An output was opened before (it may have failed since): a new one continues its playlist. */
    private boolean openedBefore;
    private boolean headerWritten;
    /** Number of the first segment the current muxer context writes (FFmpeg numbers on across reconnects). */
    private long firstSegmentOfContext;
    /** Highest segment number seen on disk: numbering goes on from it when the directory was lost. */
    private long highestSegmentSeen = -1;
    private final CaptureClock captureClock = new CaptureClock();
    private boolean closed;
    /** Why the output fails now, or null while it works; read by health without the lock. */
    private volatile String failure;

    public HlsMuxer(String cameraId, Path directory, HlsProperties settings) {
        this.cameraId = cameraId;
        this.directory = directory;
        this.settings = settings;
    }

    /** Starts from a cached GOP: whatever of it belongs to the current connection. */
    public synchronized void prime(List<EncodedPacket> gop) throws IOException {
        for (EncodedPacket p : gop) {
            write(p);
        }
    }

    public synchronized void write(EncodedPacket p) throws IOException {
        if (closed) {
            return;
        }
        if (stream != p.stream()) {
            if (!p.isVideoKeyFrame()) {
                droppedPackets++; // wait for a key frame of the new connection (or of a retry after a failure)
                return;
            }
            try {
                reopenFor(p.stream());
            } catch (IOException e) {
                droppedPackets++;
                failed(e.getMessage());
                return;
            }
        }
        boolean video = p.video();
        if (!video && audioOut < 0) {
            return;
        }
        long ts = p.dts() != EncodedPacket.NO_TIMESTAMP ? p.dts() : p.pts();
        if (ts == EncodedPacket.NO_TIMESTAMP) {
            droppedPackets++;
            return;
        }
        AVRational tb = video ? videoTimeBase : audioTimeBase;
        if (originMicros == Long.MIN_VALUE) {
            if (!p.isVideoKeyFrame()) {
                droppedPackets++;
                return;
            }
            originMicros = toMicros(ts, tb) - timelineMicros;
            captureClock.anchor(firstSegmentOfContext, capturedMillis(p));
        }
        long offset = fromMicros(originMicros, tb);
        long dts = ts - offset;
        long pts = p.pts() == EncodedPacket.NO_TIMESTAMP ? dts : p.pts() - offset;
        long last = video ? lastVideoDts : lastAudioDts;
        if (dts <= last || dts < 0) {
            droppedPackets++;
            return;
        }
        if (video) {
            lastVideoDts = dts;
            timelineMicros = Math.max(timelineMicros, toMicros(dts + Math.max(p.duration(), 0), tb));
        } else {
            lastAudioDts = dts;
        }
        writePacket(p, video ? videoOut : audioOut, tb, pts, dts);
    }

    private void writePacket(EncodedPacket p, int outIndex, AVRational tb, long pts, long dts) throws IOException {
        int ret = av_new_packet(packet, p.size());
        if (ret < 0) {
            throw new IOException("camera " + cameraId + ": out of memory for a packet");
        }
        packet.data().position(0).put(p.data(), 0, p.size());
        packet.stream_index(outIndex);
        packet.pts(pts);
        packet.dts(dts);
        packet.duration(Math.max(p.duration(), 0));
        packet.flags(p.keyFrame() ? AV_PKT_FLAG_KEY : 0);
        av_packet_rescale_ts(packet, tb, output.streams(outIndex).time_base());
        ret = av_interleaved_write_frame(output, packet); // takes the packet's reference
        if (ret < 0) {
            droppedPackets++;
            rememberSegmentNumbers();
            // the hls muxer may be half-way into a segment it could not open: start over at the
            // next key frame on a fresh context instead of writing on into a broken one
            closeOutput();
            stream = null;
            failed("cannot write HLS segments: " + LibavErrors.text(ret));
            return;
        }
        writtenPackets++;
        if (p.isVideoKeyFrame()) {
            // segments are cut at key frames; by the time a failure is seen they may be gone
            rememberSegmentNumbers();
        }
        if (failure != null) {
            failure = null;
            LOG.info("camera {}: HLS output recovered", cameraId);
        }
    }

    /** Keeps the reason; logs at WARN when the output starts failing, not for every failing packet or retry. */
    private void failed(String reason) {
        if (failure == null) {
            LOG.warn("camera {}: HLS output failing, retrying at the next key frame: {}", cameraId, reason);
        } else if (!reason.equals(failure)) {
            LOG.debug("camera {}: HLS output still failing: {}", cameraId, reason);
        }
        failure = reason;
    }

    /** Why the HLS output fails now (e.g. "No space left on device"), or null while it works. */
    public String failure() {
        return failure;
    }


    /**
     * Opens the output for a new connection (or again after a failure). {@code stream} is set only
     * once the output is open: after a failed open the next key frame tries again, and no packet is
     * ever written to a context that does not exist.
     */
    private void reopenFor(StreamInfo info) throws IOException {
        // continue the playlist (numbers rising, with a discontinuity) after any earlier output,
        // also one that failed: a player holding the playlist must not see numbers restart
        boolean continuing = openedBefore;
        closeOutput();
        stream = null;
        try {
            // made again when it went away (a full or read-only data dir cleaned up by an operator)
            Files.createDirectories(directory);
        } catch (IOException e) {
            // the exception's text is the machine path: health and the API say what happened only
            throw new IOException("cannot create the HLS directory (" + e.getClass().getSimpleName() + ")", e);
        }
        firstSegmentOfContext = continuing ? highestSegmentNumber() + 1 : 0;
        // a new directory has no playlist to append to: number on from the last segment seen
        // rather than from 0, so that a player's media sequence never goes back
        boolean renumber = continuing && !Files.exists(directory.resolve(PLAYLIST));
        originMicros = Long.MIN_VALUE;
        lastVideoDts = Long.MIN_VALUE;
        lastAudioDts = Long.MIN_VALUE;
        openOutput(info, continuing, renumber ? firstSegmentOfContext : -1);
        stream = info;
        openedBefore = true;
    }

    private void openOutput(StreamInfo info, boolean appendWithDiscontinuity, long startNumber) throws IOException {
        output = new AVFormatContext(null);
        int ret = avformat_alloc_output_context2(output, null, "hls", directory.resolve(PLAYLIST).toString());
        if (ret < 0) {
            output = null;
            throw new IOException("camera " + cameraId + ": cannot create the HLS muxer (" + ret + ")");
        }
        videoTimeBase = av_make_q(info.timeBaseNum(), info.timeBaseDen());
        AVStream video = avformat_new_stream(output, null);
        AVCodecParameters par = video.codecpar();
        par.codec_type(AVMEDIA_TYPE_VIDEO);
        par.codec_id(info.codecId());
        par.width(info.width());
        par.height(info.height());
        if ("hevc".equals(info.codec())) {
            par.codec_tag(tag('h', 'v', 'c', '1'));
        }
        setExtradata(par, info.extradata());
        video.time_base(videoTimeBase);
        videoOut = video.index();
        audioOut = -1;
        StreamInfo.AudioInfo a = info.audio();
        if (a != null && carriesAudio(a)) {
            audioTimeBase = av_make_q(a.timeBaseNum(), a.timeBaseDen());
            AVStream audio = avformat_new_stream(output, null);
            AVCodecParameters ap = audio.codecpar();
            ap.codec_type(AVMEDIA_TYPE_AUDIO);
            ap.codec_id(a.codecId());
            ap.sample_rate(a.sampleRate());
            ap.ch_layout().nb_channels(a.channels());
            setExtradata(ap, a.extradata());
            audio.time_base(audioTimeBase);
            audioOut = audio.index();
        } else if (a != null && !audioDroppedReported) {
            audioDroppedReported = true;
            LOG.info("camera {}: {} audio is not carried into HLS (only AAC is)", cameraId, a.codec());
        }
        AVDictionary options = new AVDictionary(null);
        try {
            av_dict_set(options, "hls_time", seconds(settings.getSegmentDuration().toMillis()), 0);
            av_dict_set(options, "hls_init_time", seconds(settings.getFirstSegmentDuration().toMillis()), 0);
            av_dict_set(options, "hls_list_size", Integer.toString(settings.getListSize()), 0);
            av_dict_set(options, "hls_delete_threshold", "1", 0);
            av_dict_set(options, "hls_segment_type", "fmp4", 0);
            av_dict_set(options, "hls_fmp4_init_filename", SegmentNames.INIT, 0);
            av_dict_set(options, "hls_segment_filename", directory.resolve(SegmentNames.MEDIA_FORMAT).toString(), 0);
            String flags = "delete_segments+independent_segments+temp_file+omit_endlist+program_date_time";
            if (appendWithDiscontinuity) {
                flags += "+append_list+discont_start";
            }
            if (startNumber >= 0) {
                av_dict_set(options, "start_number", Long.toString(startNumber), 0);
            }
            av_dict_set(options, "hls_flags", flags, 0);
            ret = avformat_write_header(output, options);
        } finally {
            av_dict_free(options);
        }
        if (ret < 0) {
            closeOutput();
            throw new IOException("cannot start HLS output: " + LibavErrors.text(ret));
        }
        headerWritten = true;
        if (packet == null) {
            packet = av_packet_alloc();
        }
    }

    /** HLS carries AAC; any other camera audio is dropped (and reported in the camera status). */
    public static boolean carriesAudio(StreamInfo.AudioInfo audio) {
        return "aac".equals(audio.codec());
    }

    private static void setExtradata(AVCodecParameters par, byte[] extradata) {
        if (extradata == null || extradata.length == 0) {
            return;
        }
        BytePointer data = new BytePointer(av_malloc(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE))
                .capacity(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE);
        data.position(0).put(Arrays.copyOf(extradata, extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
        par.extradata(data);
        par.extradata_size(extradata.length);
    }

    private void closeOutput() {
        if (output == null) {
            return;
        }
        if (headerWritten) {
            av_write_trailer(output);
            headerWritten = false;
        }
        avformat_free_context(output); // also frees the streams' extradata
        output = null;
    }

    /** Dates in served playlists are corrected by this (see {@link CaptureClock}). */
    CaptureClock captureClock() {
        return captureClock;
    }

    /** When a packet was received, on the wall clock (packets carry the monotonic clock). */
    private static long capturedMillis(EncodedPacket p) {
        return System.currentTimeMillis() - (System.nanoTime() - p.receivedNanos()) / 1_000_000L;
    }

    /**
     * The highest segment number in the directory or seen there before, or -1: the closed
     * context's last segment.
     */
    private long highestSegmentNumber() throws IOException {
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(directory, SegmentNames.MEDIA_GLOB)) {
            for (Path segment : segments) {
                highestSegmentSeen = Math.max(highestSegmentSeen, SegmentNames.number(segment.getFileName().toString()));
            }
            return highestSegmentSeen;
        }
    }

    /** Before giving up a failing output: its segments may be gone by the time it reopens. */
    private void rememberSegmentNumbers() {
        try {
            highestSegmentNumber();
        } catch (IOException e) {
            // the directory is already unusable: keep what was seen before
        }
    }

    public synchronized long droppedPackets() {
        return droppedPackets;
    }

    public synchronized long writtenPackets() {
        return writtenPackets;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeOutput();
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    private static int tag(char a, char b, char c, char d) {
        return a | (b << 8) | (c << 16) | (d << 24);
    }

    private static long toMicros(long ts, AVRational tb) {
        return ts * MICROS * tb.num() / tb.den();
    }

    private static long fromMicros(long micros, AVRational tb) {
        return micros * tb.den() / (MICROS * tb.num());
    }
}
