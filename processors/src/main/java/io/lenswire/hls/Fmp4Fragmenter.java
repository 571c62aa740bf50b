package io.lenswire.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close_dyn_buf;
import static org.bytedeco.ffmpeg.global.avformat.avio_open_dyn_buf;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

import io.lenswire.ingest.LibavErrors;
import io.lenswire.ingest.StreamInfo;

/**
 * One connection's stream as fragmented MP4 in memory, by packet copy: the init section
 * ({@code ftyp}+{@code moov}, no samples) when it opens, then one fragment ({@code moof}+{@code mdat})
 * of everything written since the last {@link #flush}. An LL-HLS part is one fragment, a segment
 * the concatenation of its parts.
 *
 * <p>libavformat's mp4 muxer writes the init section: it already writes {@code avcC}/{@code hvcC}
 * from SPS/PPS(/VPS) and AAC's {@code esds}, the boxes players are strict about. It is freed once
 * that is written, so no native state is held while the camera streams. The fragments are written
 * here ({@link MovieFragment}): libavformat took a JNI call, a native packet and a copy per packet
 * and grew and freed a native buffer per part, which made the HLS branch cost as much as reading
 * the camera (docs/benchmarks.md, "fMP4 fragments written in Java"). Annex B packets (what cameras
 * send) become length-prefixed samples as libavformat converts them: when the codec's extradata is
 * Annex B (H.265 without its parameter sets, which {@code hvc1} keeps in the init section);
 * packets of a stream whose extradata is {@code avcC}/{@code hvcC} (a file) already are.
 *
 * <p>Timestamps given to {@link #write} must already start near zero and increase per stream; the
 * caller ({@link LlHlsSegmenter}) sets every packet's duration, which the last sample of each
 * fragment needs.
 *
 * <p>Not thread-safe: one thread (the camera's HLS branch) writes, flushes and closes it.
 */
final class Fmp4Fragmenter implements AutoCloseable {

    /**
     * frag_custom: a fragment only when asked (av_write_frame(NULL)); empty_moov: an init section
     * with no samples, as HLS needs; default_base_moof: sample offsets relative to each moof, so
     * a fragment is valid wherever it is served from (the fragments written here are the same).
     */
    static final String MOVFLAGS = "frag_custom+empty_moov+default_base_moof";

    private static final int VIDEO = 0;
    private static final int AUDIO = 1;

    private final byte[] init;
    private final MovieFragment fragment;
    private final boolean annexB;
    private final boolean hevc;
    private final Clock video;
    /** Null when no audio is carried. */
    private final Clock audio;
    private boolean closed;

    /** A stream's time base ({@code num/den} seconds) and its track's timescale in the init section. */
    private record Clock(long num, long den, long timescale) {
        long ticks(long ts) {
            return rescale(ts, num, den, timescale);
        }
    }

    /**
     * Writes the init section for one connection's stream.
     *
     * @param carryAudio whether the camera's audio (AAC) goes into the output
     */
    Fmp4Fragmenter(StreamInfo info, boolean carryAudio) throws IOException {
        boolean withAudio = carryAudio && info.audio() != null;
        long[] timescales = new long[withAudio ? 2 : 1];
        init = writeInit(info, withAudio, timescales);
        video = new Clock(info.timeBaseNum(), info.timeBaseDen(), timescales[VIDEO]);
        annexB = isAnnexB(info.codec(), info.extradata());
        hevc = "hevc".equals(info.codec());
        if (withAudio) {
            audio = new Clock(info.audio().timeBaseNum(), info.audio().timeBaseDen(), timescales[AUDIO]);
            // libavformat numbers tracks from 1 in stream order
            fragment = new MovieFragment(new int[] {1, 2}, new boolean[] {true, false});
        } else {
            audio = null;
            fragment = new MovieFragment(new int[] {1}, new boolean[] {true});
        }
    }

    /** ftyp + moov: what {@code EXT-X-MAP} names. */
    byte[] init() {
        return init;
    }

    boolean carriesAudio() {
        return audio != null;
    }

    /** HLS carries AAC; any other camera audio is dropped (and reported in the camera status). */
    static boolean carriesAudio(StreamInfo.AudioInfo audio) {
        return "aac".equals(audio.codec());
    }

    /**
     * libavformat's rule: H.264 packets are Annex B when the extradata is there and is not
     * {@code avcC} (which starts with version 1); H.265's when the extradata starts with a start code.
     */
    static boolean isAnnexB(String codec, byte[] extradata) {
        if (extradata == null) {
            return false;
        }
        if ("hevc".equals(codec)) {
            return extradata.length > 6 && extradata[0] == 0 && extradata[1] == 0
                    && (extradata[2] == 1 || (extradata[2] == 0 && extradata[3] == 1));
        }
        return extradata.length > 0 && extradata[0] != 1;
    }

    /** Adds one video packet (timestamps in the camera's video time base) to the current fragment. */
    void writeVideo(byte[] data, boolean keyFrame, long pts, long dts, long duration) throws IOException {
        ensureOpen();
        int[] units = null;
        if (annexB) {
            units = AnnexB.units(data);
            if (units == null) {
                throw new IOException("a video packet that is not Annex B, in an Annex B stream");
            }
            if (hevc) {
                units = AnnexB.withoutHevcParameterSets(data, units);
            }
        }
        fragment.add(VIDEO, data, units, video.ticks(dts), video.ticks(pts), video.ticks(duration), keyFrame);
    }

    /** Adds one audio packet (timestamps in the camera's audio time base); ignored without audio. */
    void writeAudio(byte[] data, long pts, long dts, long duration) throws IOException {
        ensureOpen();
        if (audio != null) {
            fragment.add(AUDIO, data, null, audio.ticks(dts), audio.ticks(pts), audio.ticks(duration), true);
        }
    }

    /**
     * moof + mdat of everything written since the last flush, cut into an array from
     * {@code buffers}; empty when nothing was.
     */
    Chunk flush(IntFunction<byte[]> buffers) throws IOException {
        ensureOpen();
        return fragment.finish(buffers);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the fMP4 output is closed");
        }
    }

    /** Forgets what was not flushed: fragments already taken are complete on their own. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fragment.discard();
        }
    }

    /**
     * {@code ts} in {@code num/den} seconds as ticks of {@code 1/timescale}, rounded to the nearest
     * (half away from zero), as av_rescale_q does.
     */
    static long rescale(long ts, long num, long den, long timescale) {
        long factor = num * timescale;
        long high = Math.multiplyHigh(ts, factor);
        long low = ts * factor;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            long half = den / 2;
            return low >= 0 ? (low + half) / den : -((-low + half) / den);
        }
        return new BigDecimal(ts).multiply(BigDecimal.valueOf(factor))
                .divide(BigDecimal.valueOf(den), 0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * The init section from libavformat's mp4 muxer, freed before returning; {@code timescales}
     * receives each track's timescale (video, then audio), which the muxer chose.
     */
    private static byte[] writeInit(StreamInfo info, boolean carryAudio, long[] timescales) throws IOException {
        AVFormatContext output = startMuxer(info, carryAudio);
        try {
            for (int i = 0; i < timescales.length; i++) {
                AVRational tb = output.streams(i).time_base(); // the muxer sets it to 1/the track's timescale
                if (tb.num() != 1 || tb.den() <= 0) {
                    throw new IOException("unexpected mp4 track time base " + tb.num() + "/" + tb.den());
                }
                timescales[i] = tb.den();
            }
            return takeBuffer(output);
        } finally {
            freeMuxer(output);
        }
    }

    /**
     * libavformat's mp4 muxer for the stream, its header (the init section) written into a dynamic
     * buffer that {@link #takeBuffer} gives; free it with {@link #freeMuxer}.
     */
    static AVFormatContext startMuxer(StreamInfo info, boolean carryAudio) throws IOException {
        AVFormatContext output = new AVFormatContext(null);
        int ret = avformat_alloc_output_context2(output, null, "mp4", null);
        if (ret < 0) {
            throw new IOException("cannot create the mp4 muxer: " + LibavErrors.text(ret));
        }
        try {
            AVStream video = avformat_new_stream(output, null);
            AVCodecParameters par = video.codecpar();
            par.codec_type(AVMEDIA_TYPE_VIDEO);
            par.codec_id(info.codecId());
            par.width(info.width());
            par.height(info.height());
            if ("hevc".equals(info.codec())) {
                par.codec_tag(fourcc("hvc1")); // Safari plays hvc1 (parameter sets in the sample entry), not hev1
            }
            setExtradata(par, info.extradata());
            video.time_base(av_make_q(info.timeBaseNum(), info.timeBaseDen()));
            if (carryAudio) {
                StreamInfo.AudioInfo a = info.audio();
                AVStream audio = avformat_new_stream(output, null);
                AVCodecParameters ap = audio.codecpar();
                ap.codec_type(AVMEDIA_TYPE_AUDIO);
                ap.codec_id(a.codecId());
                ap.sample_rate(a.sampleRate());
                ap.ch_layout().nb_channels(a.channels());
                setExtradata(ap, a.extradata());
                audio.time_base(av_make_q(a.timeBaseNum(), a.timeBaseDen()));
            }
            openBuffer(output);
            AVDictionary options = new AVDictionary(null);
            try {
                av_dict_set(options, "movflags", MOVFLAGS, 0);
                ret = avformat_write_header(output, options);
            } finally {
                av_dict_free(options);
            }
            if (ret < 0) {
                throw new IOException("cannot start the fMP4 output: " + LibavErrors.text(ret));
            }
            return output;
        } catch (IOException | RuntimeException e) {
            freeMuxer(output);
            throw e;
        }
    }

    /** Frees the muxer without a trailer, and its buffer if it has one. */
    static void freeMuxer(AVFormatContext output) {
        takeBuffer(output);
        avformat_free_context(output); // runs the muxer's deinit and frees the streams' extradata
    }

    static void openBuffer(AVFormatContext output) throws IOException {
        PointerPointer<AVIOContext> holder = new PointerPointer<>(1);
        try {
            int ret = avio_open_dyn_buf(holder);
            if (ret < 0) {
                throw new IOException("out of memory for the fMP4 output: " + LibavErrors.text(ret));
            }
            AVIOContext pb = holder.get(AVIOContext.class, 0);
            pb.seekable(0); // never seek back: every byte written is final once taken
            output.pb(pb);
        } finally {
            holder.close();
        }
    }

    /** The buffer's bytes; frees it (and leaves the output without one). */
    static byte[] takeBuffer(AVFormatContext output) {
        AVIOContext pb = output.pb();
        output.pb(null);
        if (pb == null || pb.isNull()) {
            return new byte[0];
        }
        PointerPointer<BytePointer> data = new PointerPointer<>(1);
        try {
            int size = avio_close_dyn_buf(pb, data);
            BytePointer bytes = data.get(BytePointer.class, 0);
            if (bytes == null || bytes.isNull()) {
                return new byte[0];
            }
            byte[] out = new byte[Math.max(size, 0)];
            bytes.capacity(out.length).position(0).get(out);
            av_free(bytes);
            return out;
        } finally {
            data.close();
        }
    }

    private static void setExtradata(AVCodecParameters par, byte[] extradata) {
        if (extradata == null || extradata.length == 0) {
            return;
        }
        int padded = extradata.length + AV_INPUT_BUFFER_PADDING_SIZE;
        BytePointer data = new BytePointer(av_malloc(padded)).capacity(padded);
        data.position(0).put(Arrays.copyOf(extradata, padded));
        par.extradata(data);
        par.extradata_size(extradata.length);
    }

    private static int fourcc(String code) {
        byte[] b = code.getBytes(StandardCharsets.US_ASCII);
        return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
    }
}
