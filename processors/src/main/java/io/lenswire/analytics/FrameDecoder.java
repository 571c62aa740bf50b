package io.lenswire.analytics;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV21;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.Arrays;
import java.util.Set;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/**
 * libavcodec decoder of one camera's video packets, with the conversions analytics needs: a
 * downscaled BGR picture for the detector, and the full-resolution frame as a {@link FaceImage}
 * whose gray image is the decoder's own luma plane (no copy) and whose BGR image is converted only
 * when a recognizer asks for it.
 *
 * <p>Owns every native object it uses (codec context, packet, frame, scaler contexts, Mats) and
 * frees them in {@link #close()}. Not thread-safe: one owner thread, the camera's analytics route.
 */
final class FrameDecoder implements AutoCloseable {

    /** AVERROR(EAGAIN) on Linux: the decoder wants more input before it can return a frame. */
    private static final int AVERROR_EAGAIN = -11;
    /** Pixel formats whose first plane is 8-bit luma, usable as a grayscale image as is. */
    private static final Set<Integer> LUMA_FIRST = Set.of(AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUV422P,
            AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_NV12, AV_PIX_FMT_NV21, AV_PIX_FMT_GRAY8);

    private final String cameraId;
    private final int threads;
    private StreamInfo stream;
    private AVCodecContext context;
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private SwsContext toDetector;
    private SwsContext toGray;
    private SwsContext toBgr;
    private Mat detectorBgr;
    private Mat grayBuffer;
    private Mat bgrBuffer;
    private Mat lumaView;
    private boolean bgrFresh;
    private final View view = new View();

    /** Receives each decoded frame; the frame is valid only during the call. */
    interface FrameSink {
        void frame(FrameDecoder decoder) throws Exception;
    }

    FrameDecoder(String cameraId, int threads) {
        this.cameraId = cameraId;
        this.threads = Math.max(1, threads);
    }

    /** The stream the decoder is open for, or null. */
    StreamInfo stream() {
        return stream;
    }

    /** (Re)opens the decoder for a new connection's stream. */
    void open(StreamInfo info) {
        closeContext();
        AVCodec codec = avcodec_find_decoder(info.codecId());
        if (codec == null || codec.isNull()) {
            throw new IllegalStateException("camera " + cameraId + ": no decoder for codec " + info.codec());
        }
        context = avcodec_alloc_context3(codec);
        context.thread_count(threads);
        context.width(info.width());
        context.height(info.height());
        byte[] extradata = info.extradata();
        if (extradata != null && extradata.length > 0) {
            BytePointer data = new BytePointer(av_malloc(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE))
                    .capacity(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE);
            data.position(0).put(Arrays.copyOf(extradata, extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
            context.extradata(data); // freed by avcodec_free_context
            context.extradata_size(extradata.length);
        }
        int ret = avcodec_open2(context, codec, (PointerPointer<?>) null);
        if (ret < 0) {
            closeContext();
            throw new IllegalStateException("camera " + cameraId + ": cannot open the " + info.codec() + " decoder (" + ret + ")");
        }
        stream = info;
    }

    /** Forgets buffered frames (after dropped packets, before resuming at a key frame). */
    void flush() {
        if (context != null) {
            avcodec_flush_buffers(context);
        }
    }

    /**
     * Decodes one packet and hands every frame it completes to {@code sink}.
     *
     * @return false when the decoder refused the packet (corrupt data): resync at a key frame
     */
    boolean decode(EncodedPacket p, FrameSink sink) throws Exception {
        if (av_new_packet(packet, p.size()) < 0) {
            throw new IllegalStateException("camera " + cameraId + ": out of memory for a packet");
        }
        boolean accepted;
        try {
            packet.data().position(0).put(p.data(), 0, p.size());
            packet.pts(p.pts());
            packet.dts(p.dts());
            packet.flags(p.keyFrame() ? AV_PKT_FLAG_KEY : 0);
            int ret = avcodec_send_packet(context, packet);
            accepted = ret >= 0 || ret == AVERROR_EAGAIN;
        } finally {
            av_packet_unref(packet);
        }
        while (true) {
            int ret = avcodec_receive_frame(context, frame);
            if (ret == AVERROR_EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                return false;
            }
            try {
                bgrFresh = false;
                sink.frame(this);
            } finally {
                if (lumaView != null) {
                    lumaView.close();
                    lumaView = null;
                }
                av_frame_unref(frame);
            }
        }
        return accepted;
    }

    int width() {
        return frame.width();
    }

    int height() {
        return frame.height();
    }

    /** The current frame scaled to {@code width} x height-keeping-aspect, BGR, for the detector. */
    Mat detectorImage(int width) {
        int w = Math.min(width, frame.width());
        int h = Math.max(2, (int) Math.round(frame.height() * (double) w / frame.width()));
        if (detectorBgr == null || detectorBgr.cols() != w || detectorBgr.rows() != h) {
            if (detectorBgr != null) {
                detectorBgr.close();
            }
            detectorBgr = new Mat(h, w, CV_8UC3);
        }
        toDetector = sws_getCachedContext(toDetector, frame.width(), frame.height(), frame.format(), w, h, AV_PIX_FMT_BGR24,
                SWS_AREA, null, null, (DoublePointer) null);
        scale(toDetector, detectorBgr);
        return detectorBgr;
    }

    /** The current frame at full resolution, for recognizers. */
    FaceImage fullImage() {
        return view;
    }

    private void scale(SwsContext sws, Mat target) {
        try (PointerPointer<?> dst = new PointerPointer<>(1).put(0, target.data());
             IntPointer dstStride = new IntPointer(1).put(0, (int) target.step())) {
            sws_scale(sws, frame.data(), frame.linesize(), 0, frame.height(), dst, dstStride);
        }
    }

    private final class View implements FaceImage {
        @Override
        public int width() {
            return frame.width();
        }

        @Override
        public int height() {
            return frame.height();
        }

        @Override
        public Mat gray() {
            if (lumaView != null) {
                return lumaView;
            }
            if (LUMA_FIRST.contains(frame.format())) {
                lumaView = new Mat(frame.height(), frame.width(), CV_8UC1, frame.data(0), frame.linesize(0));
                return lumaView;
            }
            grayBuffer = ensure(grayBuffer, CV_8UC1);
            toGray = sws_getCachedContext(toGray, frame.width(), frame.height(), frame.format(), frame.width(), frame.height(),
                    AV_PIX_FMT_GRAY8, SWS_BILINEAR, null, null, (DoublePointer) null);
            scale(toGray, grayBuffer);
            return grayBuffer;
        }

        @Override
        public Mat bgr() {
            if (bgrFresh) {
                return bgrBuffer;
            }
            bgrFresh = true;
            bgrBuffer = ensure(bgrBuffer, CV_8UC3);
            toBgr = sws_getCachedContext(toBgr, frame.width(), frame.height(), frame.format(), frame.width(), frame.height(),
                    AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null, (DoublePointer) null);
            scale(toBgr, bgrBuffer);
            return bgrBuffer;
        }

        private Mat ensure(Mat m, int type) {
            if (m != null && m.cols() == frame.width() && m.rows() == frame.height()) {
                return m;
            }
            if (m != null) {
                m.close();
            }
            return new Mat(frame.height(), frame.width(), type);
        }
    }

    private void closeContext() {
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
        stream = null;
    }

    @Override
    public void close() {
        closeContext();
        av_packet_free(packet);
        av_frame_free(frame);
        for (SwsContext s : new SwsContext[] {toDetector, toGray, toBgr}) {
            if (s != null) {
                sws_freeContext(s);
            }
        }
        toDetector = toGray = toBgr = null;
        for (Mat m : new Mat[] {detectorBgr, grayBuffer, bgrBuffer, lumaView}) {
            if (m != null) {
                m.close();
            }
        }
        detectorBgr = grayBuffer = bgrBuffer = lumaView = null;
    }
}
