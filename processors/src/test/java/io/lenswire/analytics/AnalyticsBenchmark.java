package io.lenswire.analytics;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

import io.lenswire.ingest.EncodedPacket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Benchmark program (not a test), run by scripts/bench-analytics.sh; its output goes into
 * docs/benchmarks.md. Parts:
 * <ol>
 * <li>time per analysed 720p frame through the Lenswire pipeline ({@link CameraAnalytics}: decode,
 * downscale, YuNet, recognizer, visit decision, stats, timers) against the same raw libavcodec,
 * libswscale, FaceDetectorYN and recognizer calls in a plain loop, alternating, in one run;</li>
 * <li>recognition quality per recognizer on the shared photos through H.264.</li>
 * </ol>
 * OpenCV runs on one thread ({@code setNumThreads(1)}) and the decoder too, so all the work is on
 * the calling thread: times are that thread's CPU time ({@code ThreadMXBean}), which other
 * processes on a busy machine do not inflate, and wall time is printed beside them.
 */
public final class AnalyticsBenchmark {

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private AnalyticsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        opencv_core.setNumThreads(1);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("lenswire-bench-");
        AnalyticsProperties settings = Shared.settings();
        settings.getRecognition().setRecognizer("builtin"); // the pipeline-vs-raw numbers above are the built-in recognizer's
        settings.setProcessEveryNFrames(1);
        settings.setMaxLag(java.time.Duration.ofDays(1));
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        if (!engine.ready()) {
            throw new IllegalStateException(engine.error());
        }
        float[] t1 = EnrollmentImages.template(Files.readAllBytes(Shared.face("obama2.jpg")), engine);
        float[] t2 = EnrollmentImages.template(Files.readAllBytes(Shared.face("obama.jpg")), engine);
        engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama", List.of(t1, t2)))));
        Path video = Shared.video(dir, "bench", "obama2", "obama2", "biden", "biden", "pattern", "obama2", "biden", "pattern");
        List<EncodedPacket> packets = Shared.packets(video, "bench");
        System.out.printf(Locale.ROOT, "video: %d packets, 1280x720 H.264 (libx264 ultrafast zerolatency, 2 Mbit/s, GOP 25), every frame analysed%n",
                packets.size());

        double[] pipeline = new double[rounds];
        double[] raw = new double[rounds];
        double[] ratio = new double[rounds];
        runPipeline(packets, settings, engine); // warm-up
        runRaw(packets, settings, engine);
        for (int r = 0; r < rounds; r++) {
            long wall0 = System.nanoTime();
            pipeline[r] = runPipeline(packets, settings, engine);
            long wall1 = System.nanoTime();
            raw[r] = runRaw(packets, settings, engine);
            long wall2 = System.nanoTime();
            ratio[r] = pipeline[r] / raw[r];
            System.out.printf(Locale.ROOT, "round %d: CPU pipeline %.2f ms/frame, raw calls %.2f ms/frame, ratio %.3f (wall %.0f / %.0f ms)%n",
                    r + 1, pipeline[r], raw[r], ratio[r], (wall1 - wall0) / 1e6, (wall2 - wall1) / 1e6);
        }
        System.out.printf(Locale.ROOT, "median: CPU pipeline %.2f ms per analysed frame, raw %.2f ms, overhead ratio %.3f (median of rounds;"
                + " target <= 1.15), absolute target <= 15 ms%n", median(pipeline), median(raw), median(ratio));
        engine.destroy();

        AnalyticsProperties builtin = Shared.settings();
        builtin.getRecognition().setRecognizer("builtin");
        quality(dir, builtin, "builtin");
        quality(dir, Shared.settings(), "auto");
        String sface = System.getenv("LENSWIRE_SFACE_MODEL");
        if (sface != null && !sface.isBlank()) {
            AnalyticsProperties s = Shared.settings();
            s.getRecognition().setSfaceModel(Path.of(sface).toAbsolutePath().toString());
            quality(dir, s, "sface");
        } else {
            System.out.println("quality sface: not measured (LENSWIRE_SFACE_MODEL unset; the SFace file is not available here)");
        }
    }

    /** Recognition rate, false accepts and margins on the shared photos through H.264, every 3rd frame. */
    static void quality(Path dir, AnalyticsProperties settings, String label) throws Exception {
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        if (!engine.ready()) {
            throw new IllegalStateException(engine.error());
        }
        Path video = Shared.video(dir, "quality", "obama2", "obama2", "obama2", "obama2", "biden", "biden", "biden", "biden");
        List<EncodedPacket> packets = Shared.packets(video, "q");
        String[][] enrollments = {{"obama2.jpg", "obama.jpg"}, {"obama.jpg"}};
        for (String[] photos : enrollments) {
            List<float[]> templates = new java.util.ArrayList<>();
            for (String photo : photos) {
                templates.add(EnrollmentImages.template(Files.readAllBytes(Shared.face(photo)), engine));
            }
            engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama", templates))));
            int obama = 0, obamaNamed = 0, biden = 0, bidenNamed = 0;
            double gMin = 9, gMax = -9, iMin = 9, iMax = -9;
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (CameraAnalytics pipeline = new CameraAnalytics("q", settings, engine, new AnalyticsStats(() -> 0),
                    meters.timer("a"), meters.timer("b"), meters.timer("c"))) {
                for (EncodedPacket p : packets) {
                    FaceEvent e = pipeline.process(Shared.fresh(p));
                    if (e == null) {
                        continue;
                    }
                    for (FaceEvent.Face f : e.faces()) {
                        boolean left = f.bbox()[0] + f.bbox()[2] / 2.0 < 640;
                        double sim = f.similarity() == null ? Double.NaN : f.similarity();
                        if (left) {
                            obama++;
                            obamaNamed += f.personId() != null ? 1 : 0;
                            if (!Double.isNaN(sim)) { gMin = Math.min(gMin, sim); gMax = Math.max(gMax, sim); }
                        } else {
                            biden++;
                            bidenNamed += f.personId() != null ? 1 : 0;
                            if (!Double.isNaN(sim)) { iMin = Math.min(iMin, sim); iMax = Math.max(iMax, sim); }
                        }
                    }
                }
            }
            double th = engine.recognizer().threshold();
            System.out.printf(Locale.ROOT, "quality %s (%s), enrolled from %s: obama2 frames named %d/%d (%.0f%%), biden frames named %d/%d;"
                            + " similarity obama2 %.4f..%.4f, biden %.4f..%.4f, threshold %.3f, margins %+.4f / %+.4f%n",
                    label, engine.recognizerName(), String.join("+", photos), obamaNamed, obama, 100.0 * obamaNamed / Math.max(1, obama),
                    bidenNamed, biden, gMin, gMax, iMin, iMax, th, gMin - th, th - iMax);
        }
        engine.destroy();
    }

    /** ms per frame through CameraAnalytics. */
    static double runPipeline(List<EncodedPacket> packets, AnalyticsProperties settings, AnalyticsEngine engine) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AnalyticsStats stats = new AnalyticsStats(() -> 0);
        try (CameraAnalytics pipeline = new CameraAnalytics("bench", settings, engine, stats,
                meters.timer("decode"), meters.timer("detect"), meters.timer("recognize"))) {
            long start = CPU.getCurrentThreadCpuTime();
            for (EncodedPacket p : packets) {
                pipeline.process(p);
            }
            long elapsed = CPU.getCurrentThreadCpuTime() - start;
            return elapsed / 1e6 / stats.framesProcessed();
        }
    }

    /** ms per frame with the raw calls only: avcodec decode, sws_scale to 640 wide BGR, YuNet, recognizer embed + compare. */
    static double runRaw(List<EncodedPacket> packets, AnalyticsProperties settings, AnalyticsEngine engine) {
        EncodedPacket first = packets.get(0);
        AVCodec codec = avcodec_find_decoder(first.stream().codecId());
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.thread_count(1);
        byte[] extra = first.stream().extradata();
        BytePointer ed = new BytePointer(av_malloc(extra.length + 64)).capacity(extra.length + 64);
        ed.position(0).put(Arrays.copyOf(extra, extra.length + 64));
        ctx.extradata(ed);
        ctx.extradata_size(extra.length);
        avcodec_open2(ctx, codec, (PointerPointer<?>) null);
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        SwsContext sws = null;
        FaceDetector detector = engine.newDetector();
        FaceRecognizer recognizer = engine.recognizer();
        float[] enrolled = engine.gallery().people().get(0).templates().get(0);
        Mat small = new Mat(360, 640, CV_8UC3);
        int frames = 0;
        long start = CPU.getCurrentThreadCpuTime();
        for (EncodedPacket p : packets) {
            av_new_packet(pkt, p.size());
            pkt.data().position(0).put(p.data(), 0, p.size());
            pkt.pts(p.pts());
            pkt.dts(p.dts());
            avcodec_send_packet(ctx, pkt);
            av_packet_unref(pkt);
            while (avcodec_receive_frame(ctx, frame) >= 0) {
                frames++;
                sws = sws_getCachedContext(sws, frame.width(), frame.height(), frame.format(), 640, 360, AV_PIX_FMT_BGR24, SWS_AREA,
                        null, null, (DoublePointer) null);
                try (PointerPointer<?> dst = new PointerPointer<>(1).put(0, small.data()); IntPointer stride = new IntPointer(1).put(0, (int) small.step())) {
                    sws_scale(sws, frame.data(), frame.linesize(), 0, frame.height(), dst, stride);
                }
                List<DetectedFace> faces = detector.detect(small);
                if (!faces.isEmpty()) {
                    try (Mat gray = new Mat(frame.height(), frame.width(), CV_8UC1, frame.data(0), frame.linesize(0))) {
                        FaceImage image = new FaceImage() {
                            public int width() { return frame.width(); }
                            public int height() { return frame.height(); }
                            public Mat gray() { return gray; }
                            public Mat bgr() { throw new UnsupportedOperationException(); }
                        };
                        for (DetectedFace f : faces) {
                            FaceRecognizer.Template t = recognizer.embed(image, f.scaled(2, 2));
                            if (t.usable()) {
                                recognizer.similarity(t.vector(), enrolled);
                            }
                        }
                    }
                }
            }
        }
        long elapsed = CPU.getCurrentThreadCpuTime() - start;
        detector.close();
        small.close();
        sws_freeContext(sws);
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return elapsed / 1e6 / frames;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

}
