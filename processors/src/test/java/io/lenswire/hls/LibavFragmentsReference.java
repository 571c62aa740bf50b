package io.lenswire.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
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
 * The reference for {@link Fmp4FragmenterTest}: fragments written by libavformat's mp4 muxer
 * ({@code frag_custom}, packet by packet into a dynamic buffer), as Lenswire wrote them before
 * {@link MovieFragment}. The same libavformat as the init section's, so that both see the same
 * packets and rules.
 */
final class LibavFragmentsReference implements AutoCloseable {

    private final AVFormatContext output;
    private final AVPacket packet;
    private final AVRational videoTimeBase;
    private final AVRational audioTimeBase;
    private final int videoIndex;
    private final int audioIndex;
    private final byte[] init;
    private boolean closed;

    /**
     * Opens the muxer for one connection's stream and writes its init section.
     *
     * @param carryAudio whether the camera's audio (AAC) goes into the output
     */
    LibavFragmentsReference(StreamInfo info, boolean carryAudio) throws IOException {
        output = new AVFormatContext(null);
        int ret = avformat_alloc_output_context2(output, null, "mp4", null);
        if (ret < 0) {
            throw new IOException("cannot create the mp4 muxer: " + LibavErrors.text(ret));
        }
        AVPacket allocated = null;
        try {
            videoTimeBase = av_make_q(info.timeBaseNum(), info.timeBaseDen());
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
            video.time_base(videoTimeBase);
            videoIndex = video.index();
            StreamInfo.AudioInfo a = info.audio();
            if (carryAudio && a != null) {
                audioTimeBase = av_make_q(a.timeBaseNum(), a.timeBaseDen());
                AVStream audio = avformat_new_stream(output, null);
                AVCodecParameters ap = audio.codecpar();
                ap.codec_type(AVMEDIA_TYPE_AUDIO);
                ap.codec_id(a.codecId());
                ap.sample_rate(a.sampleRate());
                ap.ch_layout().nb_channels(a.channels());
                setExtradata(ap, a.extradata());
                audio.time_base(audioTimeBase);
                audioIndex = audio.index();
            } else {
                audioTimeBase = null;
                audioIndex = -1;
            }
            openBuffer();
            AVDictionary options = new AVDictionary(null);
            try {
                av_dict_set(options, "movflags", Fmp4Fragmenter.MOVFLAGS, 0);
                ret = avformat_write_header(output, options);
            } finally {
                av_dict_free(options);
            }
            if (ret < 0) {
                throw new IOException("cannot start the fMP4 output: " + LibavErrors.text(ret));
            }
            init = takeBuffer();
            openBuffer();
            allocated = av_packet_alloc();
        } catch (IOException | RuntimeException e) {
            freeOutput();
            throw e;
        }
        packet = allocated;
    }

    /** ftyp + moov: what {@code EXT-X-MAP} names. */
    byte[] init() {
        return init;
    }

    boolean carriesAudio() {
        return audioIndex >= 0;
    }

    /** Adds one video packet (timestamps in the camera's video time base) to the current fragment. */
    void writeVideo(byte[] data, boolean keyFrame, long pts, long dts, long duration) throws IOException {
        write(videoIndex, videoTimeBase, data, keyFrame, pts, dts, duration);
    }

    /** Adds one audio packet (timestamps in the camera's audio time base); ignored without audio. */
    void writeAudio(byte[] data, long pts, long dts, long duration) throws IOException {
        if (audioIndex >= 0) {
            write(audioIndex, audioTimeBase, data, true, pts, dts, duration);
        }
    }

    private void write(int index, AVRational timeBase, byte[] data, boolean keyFrame, long pts, long dts, long duration)
            throws IOException {
        ensureOpen();
        int ret = av_new_packet(packet, data.length);
        if (ret < 0) {
            throw new IOException("out of memory for a packet");
        }
        packet.data().position(0).put(data, 0, data.length);
        packet.stream_index(index);
        packet.pts(pts);
        packet.dts(dts);
        packet.duration(duration);
        packet.flags(keyFrame ? AV_PKT_FLAG_KEY : 0);
        av_packet_rescale_ts(packet, timeBase, output.streams(index).time_base());
        ret = av_write_frame(output, packet); // unreferences the packet
        if (ret < 0) {
            throw new IOException("cannot add a packet to the fragment: " + LibavErrors.text(ret));
        }
    }

    /** moof + mdat of everything written since the last flush; empty when nothing was. */
    byte[] flush() throws IOException {
        ensureOpen();
        int ret = av_write_frame(output, null); // frag_custom: cut the fragment here
        if (ret < 0) {
            throw new IOException("cannot write a fragment: " + LibavErrors.text(ret));
        }
        byte[] fragment = takeBuffer();
        openBuffer();
        return fragment;
    }

    private void openBuffer() throws IOException {
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
    private byte[] takeBuffer() {
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

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the fMP4 output is closed");
        }
    }

    /** Frees the muxer without a trailer: fragments already taken are complete on their own. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeOutput();
        if (packet != null) {
            av_packet_free(packet);
        }
    }

    private void freeOutput() {
        takeBuffer();
        avformat_free_context(output); // runs the muxer's deinit and frees the streams' extradata
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
