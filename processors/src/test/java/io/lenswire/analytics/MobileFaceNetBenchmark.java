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
 * to the detector input width + YuNet, for each width of {@code -Dlenswire.bench.widths}, default 640,320), align (BGR conversion of the frame + five-point warp to 112x112), embed
 * (MobileFaceNet forward + normalization), total; p50 and p95 over the frames; with faces at full and
 * half size, and the similarities to the enrolled photo that say what a width costs in quality. Then the whole camera
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
        int[] widths = Arrays.stream(System.getProperty("lenswire.bench.widths", "640,320").split(",")).mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createTempDirectory("lenswire-mfn-bench-");
        Path full = Shared.video(dir, "bench", "obama2", "obama2", "obama2", "obama2", "biden", "biden", "biden", "biden");
        Path half = Shared.video(dir, "bench-half", "obama2-half", "obama2-half", "obama2-half", "obama2-half",
                "biden-half", "biden-half", "biden-half", "biden-half");
        List<EncodedPacket> fullPackets = Shared.packets(full, "bench");
        List<EncodedPacket> halfPackets = Shared.packets(half, "bench");
        System.out.printf(Locale.ROOT, "video: %d packets, 1280x720 H.264 (libx264 ultrafast zerolatency, 2 Mbit/s, GOP 25), one face per frame:"
                + " obama2 for the first half, biden for the second; the same at half size%n", fullPackets.size());

        for (int width : widths) {
            AnalyticsProperties settings = Shared.settings();
            settings.setProcessEveryNFrames(1);
            settings.setMaxLag(java.time.Duration.ofDays(1));
            settings.getDetector().setInputWidth(width);
            AnalyticsEngine engine = new AnalyticsEngine(settings);
            if (!engine.ready() || !(engine.recognizer() instanceof MobileFaceNetRecognizer rec)) {
                throw new IllegalStateException("MobileFaceNet not loaded: " + engine.error());
            }
            float[] obama = EnrollmentImages.template(Files.readAllBytes(Shared.face("obama.jpg")), engine);
            engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama", List.of(obama)))));
            for (boolean isHalf : new boolean[] {false, true}) {
                List<EncodedPacket> packets = isHalf ? halfPackets : fullPackets;
                List<double[]> samples = new ArrayList<>();
                for (int r = 0; r <= rounds; r++) {
                    List<double[]> round = stages(packets, engine, rec, settings, obama);
                    if (r > 0) { // round 0 warms up
                        samples.addAll(round);
                    }
                }
                System.out.printf(Locale.ROOT, "detector input %d px wide, faces at %s size:%n", width, isHalf ? "half" : "full");
                String[] names = {"decode", "detect", "align", "embed", "total"};
                for (int st = 0; st < names.length; st++) {
                    int stage = st;
                    double[] v = samples.stream().mapToDouble(x -> x[stage]).sorted().toArray();
                    System.out.printf(Locale.ROOT, "  stage %-6s p50 %6.2f ms  p95 %6.2f ms  (%d frames)%n", names[st], pct(v, 0.5), pct(v, 0.95), v.length);
                }
                double threshold = settings.getRecognition().getMobilefacenetThreshold();
                double[] same = samples.stream().filter(x -> x[6] < packets.size() / 2.0).mapToDouble(x -> x[5]).sorted().toArray();
                double[] other = samples.stream().filter(x -> x[6] >= packets.size() / 2.0).mapToDouble(x -> x[5]).sorted().toArray();
                long sameAccepted = Arrays.stream(same).filter(x -> x >= threshold).count();
                long otherAccepted = Arrays.stream(other).filter(x -> x >= threshold).count();
                System.out.printf(Locale.ROOT, "  obama2 vs enrolled obama: min %.3f p50 %.3f, %d of %d at or above %.2f;"
                        + " biden vs obama: max %.3f, %d of %d at or above%n",
                        same[0], pct(same, 0.5), sameAccepted, same.length, threshold, other[other.length - 1], otherAccepted, other.length);
            }

            List<EncodedPacket> packets = fullPackets;
            for (int everyN : new int[] {1, 5}) {
                double[] perFrame = new double[rounds];
                long embedded = 0, faces = 0;
                for (int r = 0; r < rounds; r++) {
                    AnalyticsProperties s = Shared.settings();
                    s.setProcessEveryNFrames(3);
                    s.setMaxLag(java.time.Duration.ofDays(1));
                    s.getDetector().setInputWidth(width);
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
                System.out.printf(Locale.ROOT, "  pipeline (input %d), every 3rd frame analysed, recognize-every-n-frames %d: %d of %d faces embedded,"
                        + " CPU %.2f ms per analysed frame incl. the decode of all frames (median of %d rounds)%n", width, everyN, embedded, faces,
                        pct(perFrame, 0.5), rounds);
            }
            engine.destroy();
        }
    }

    /**
     * One pass over the video: per analysed frame {decode, detect, align, embed, total} in CPU ms,
     * then the similarity to {@code enrolled} and the packet's index.
     */
    static List<double[]> stages(List<EncodedPacket> packets, AnalyticsEngine engine, MobileFaceNetRecognizer rec,
                                 AnalyticsProperties settings, float[] enrolled) throws Exception {
        List<double[]> out = new ArrayList<>();
        int[] index = {0};
        try (FrameDecoder decoder = new FrameDecoder("bench", 1); FaceDetector detector = engine.newDetector(); Mat aligned = new Mat()) {
            decoder.open(packets.get(0).stream());
            for (EncodedPacket p : packets) {
                index[0]++;
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
                    out.add(new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6,
                            rec.similarity(e, enrolled), index[0] - 1});
                });
            }
        }
        return out;
    }

    static double pct(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1) + 0.5))];
    }
}
