package io.lenswire.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.io.IOException;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVRational;

import io.lenswire.ingest.StreamInfo;

/**
 * The reference for {@link Fmp4FragmenterTest}: fragments written by libavformat's mp4 muxer
 * ({@code frag_custom}: packet by packet, a fragment at each {@code av_write_frame(NULL)}, into a
 * dynamic buffer), as Lenswire wrote them before {@link MovieFragment}. The same muxer and
 * libavformat as the init section's, so that both see the same packets and rules.
 */
final class LibavFragmentsReference implements AutoCloseable {

    private final AVFormatContext output;
    private final AVPacket packet;
    private final AVRational videoTimeBase;
    private final AVRational audioTimeBase;
    private final boolean audio;
    private final byte[] init;

    LibavFragmentsReference(StreamInfo info, boolean carryAudio) throws IOException {
        audio = carryAudio && info.audio() != null;
        output = Fmp4Fragmenter.startMuxer(info, audio);
        init = Fmp4Fragmenter.takeBuffer(output);
        Fmp4Fragmenter.openBuffer(output);
        videoTimeBase = av_make_q(info.timeBaseNum(), info.timeBaseDen());
        audioTimeBase = audio ? av_make_q(info.audio().timeBaseNum(), info.audio().timeBaseDen()) : null;
        packet = av_packet_alloc();
    }

    byte[] init() {
        return init;
    }

    void writeVideo(byte[] data, boolean keyFrame, long pts, long dts, long duration) throws IOException {
        write(0, videoTimeBase, data, keyFrame, pts, dts, duration);
    }

    void writeAudio(byte[] data, long pts, long dts, long duration) throws IOException {
        if (audio) {
            write(1, audioTimeBase, data, true, pts, dts, duration);
        }
    }

    private void write(int index, AVRational timeBase, byte[] data, boolean keyFrame, long pts, long dts, long duration)
            throws IOException {
        if (av_new_packet(packet, data.length) < 0) {
            throw new IOException("out of memory for a packet");
        }
        packet.data().position(0).put(data, 0, data.length);
        packet.stream_index(index);
        packet.pts(pts);
        packet.dts(dts);
        packet.duration(duration);
        packet.flags(keyFrame ? AV_PKT_FLAG_KEY : 0);
        av_packet_rescale_ts(packet, timeBase, output.streams(index).time_base());
        if (av_write_frame(output, packet) < 0) { // unreferences the packet
            throw new IOException("libavformat refused a packet");
        }
    }

    /** moof + mdat of everything written since the last flush. */
    byte[] flush() throws IOException {
        if (av_write_frame(output, null) < 0) {
            throw new IOException("libavformat could not write a fragment");
        }
        byte[] fragment = Fmp4Fragmenter.takeBuffer(output);
        Fmp4Fragmenter.openBuffer(output);
        return fragment;
    }

    @Override
    public void close() {
        Fmp4Fragmenter.freeMuxer(output);
        av_packet_free(packet);
    }
}
