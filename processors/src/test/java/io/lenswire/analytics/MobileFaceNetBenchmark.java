package io.lenswire.analytics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

import io.lenswire.ingest.EncodedPacket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Benchmark program (not a test) for docs/benchmarks.md, "MobileFaceNet": per analysed 720p frame
 * with one face, the CPU time of each stage on the calling thread (OpenCV on one thread, decoder on
 * one thread; run it under {@code taskset -c 0}): decode (libavcodec, one frame), detect (downscale
 * to 640 wide + YuNet), align (BGR conversion of the frame + five-point warp to 112x112), embed
 * (MobileFaceNet forward + normalization), total; p50 and p95 over the frames. Then the whole camera
 * pipeline with recognition on every analysed frame vs once per stable track every 5th frame.
 *
 * <pre>
 * ./mvnw -B -o -q test-compile dependency:build-classpath -pl processors -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
 * taskset -c 0 java -Dlenswire.shared=../shared -cp processors/target/test-classes:processors/target/classes:$(cat processors/target/bench-cp.txt) \
 *     io.lenswire.analytics.MobileFaceNetBenchmark 3
 * </pre>
 */
public final class MobileFaceNetBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private MobileFaceNetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        opencv_core.setNumThreads(1);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("lenswire-mfn-bench-");
        AnalyticsProperties settings = Shared.settings();
        settings.setProcessEveryNFrames(1);
        settings.setMaxLag(java.time.Duration.ofDays(1));
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        if (!engine.ready() || !(engine.recognizer() instanceof MobileFaceNetRecognizer rec)) {
            throw new IllegalStateException("MobileFaceNet not loaded: " + engine.error());
        }
        engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama",
                List.of(EnrollmentImages.template(Files.readAllBytes(Shared.face("obama.jpg")), engine))))));
        Path video = Shared.video(dir, "bench", "obama2", "obama2", "obama2", "obama2", "biden", "biden", "biden", "biden");
        List<EncodedPacket> packets = Shared.packets(video, "bench");
        System.out.printf(Locale.ROOT, "video: %d packets, 1280x720 H.264 (libx264 ultrafast zerolatency, 2 Mbit/s, GOP 25), one face per frame%n",
                packets.size());

        List<double[]> samples = new ArrayList<>();
        for (int r = 0; r <= rounds; r++) {
            List<double[]> round = stages(packets, engine, rec, settings);
            if (r > 0) { // round 0 warms up
                samples.addAll(round);
            }
        }
        String[] names = {"decode", "detect", "align", "embed", "total"};
        for (int s = 0; s < names.length; s++) {
            double[] v = new double[samples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = samples.get(i)[s];
            }
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "stage %-6s p50 %6.2f ms  p95 %6.2f ms  (%d frames)%n", names[s], pct(v, 0.5), pct(v, 0.95), v.length);
        }

        for (int everyN : new int[] {1, 5}) {
            double[] perFrame = new double[rounds];
            long embedded = 0, faces = 0;
            for (int r = 0; r < rounds; r++) {
                AnalyticsProperties s = Shared.settings();
                s.setProcessEveryNFrames(3);
                s.setMaxLag(java.time.Duration.ofDays(1));
                s.getRecognition().setRecognizeEveryNFrames(everyN);
                SimpleMeterRegistry meters = new SimpleMeterRegistry();
                AnalyticsStats stats = new AnalyticsStats(() -> 0);
                try (CameraAnalytics pipeline = new CameraAnalytics("bench", s, engine, stats, meters.timer("decode"), meters.timer("detect"),
                        meters.timer("recognize"))) {
                    long t0 = CPU.getCurrentThreadCpuTime();
                    for (EncodedPacket p : packets) {
                        pipeline.process(p);
                    }
                    perFrame[r] = (CPU.getCurrentThreadCpuTime() - t0) / 1e6 / stats.framesProcessed();
                    embedded = stats.facesEmbedded();
                    faces = stats.facesDetected();
                }
            }
            Arrays.sort(perFrame);
            System.out.printf(Locale.ROOT, "pipeline every 3rd frame analysed, recognize-every-n-frames %d: %d of %d faces embedded,"
                    + " CPU %.2f ms per analysed frame incl. the decode of all frames (median of %d rounds)%n", everyN, embedded, faces,
                    pct(perFrame, 0.5), rounds);
        }
        engine.destroy();
    }

    /** One pass over the video: per analysed frame {decode, detect, align, embed, total} in CPU ms. */
    static List<double[]> stages(List<EncodedPacket> packets, AnalyticsEngine engine, MobileFaceNetRecognizer rec,
                                 AnalyticsProperties settings) throws Exception {
        List<double[]> out = new ArrayList<>();
        try (FrameDecoder decoder = new FrameDecoder("bench", 1); FaceDetector detector = engine.newDetector(); Mat aligned = new Mat()) {
            decoder.open(packets.get(0).stream());
            for (EncodedPacket p : packets) {
                long t0 = CPU.getCurrentThreadCpuTime();
                decoder.decode(p, d -> {
                    long t1 = CPU.getCurrentThreadCpuTime();
                    Mat small = d.detectorImage(settings.getDetector().getInputWidth());
                    List<DetectedFace> faces = detector.detect(small);
                    long t2 = CPU.getCurrentThreadCpuTime();
                    if (faces.size() != 1) {
                        return;
                    }
                    DetectedFace f = faces.get(0).scaled(d.width() / (double) small.cols(), d.height() / (double) small.rows());
                    FaceImage image = d.fullImage();
                    rec.align(image.bgr(), f, aligned);
                    long t3 = CPU.getCurrentThreadCpuTime();
                    float[] e = rec.embedAligned(aligned);
                    long t4 = CPU.getCurrentThreadCpuTime();
                    if (e.length != 192) {
                        throw new IllegalStateException();
                    }
                    out.add(new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6});
                });
            }
        }
        return out;
    }

    static double pct(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1) + 0.5))];
    }
}
