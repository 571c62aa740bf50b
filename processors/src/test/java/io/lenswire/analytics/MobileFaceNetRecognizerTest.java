package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MobileFaceNet on the shared photos: chosen by {@code auto} when its file is in the models dir,
 * embeddings equal to the checked-in reference values ({@code mobilefacenet-reference.txt}, which
 * says how they were made), the same person far above the threshold and the other far below at
 * full, half and quarter size, and broken files refused with the reason.
 */
class MobileFaceNetRecognizerTest {

    static final String[] PHOTOS = {"obama.jpg", "obama-720p.jpg", "obama2.jpg", "biden.jpg"};
    private static AnalyticsEngine engine;
    private static MobileFaceNetRecognizer recognizer;

    @BeforeAll
    static void start() {
        engine = new AnalyticsEngine(Shared.settings());
        assertThat(engine.ready()).as(engine.error()).isTrue();
        assertThat(engine.recognizerName()).isEqualTo(MobileFaceNetRecognizer.NAME);
        recognizer = (MobileFaceNetRecognizer) engine.recognizer();
        assertThat(recognizer.rewrittenPrelus()).isEqualTo(33);
    }

    @AfterAll
    static void stop() {
        engine.destroy();
    }

    /** Unit embedding of the first face of a photo scaled by {@code scale}, without the quality gate. */
    static float[] embedding(String photo, double scale) {
        try (Mat full = imread(Shared.face(photo).toString()); Mat img = new Mat()) {
            if (scale == 1.0) {
                full.copyTo(img);
            } else {
                try (Size size = new Size((int) Math.round(full.cols() * scale), (int) Math.round(full.rows() * scale))) {
                    resize(full, img, size, 0, 0, INTER_AREA);
                }
            }
            List<DetectedFace> faces = engine.detectInPhoto(img);
            assertThat(faces).as("faces in %s at %.2f", photo, scale).hasSize(1);
            try (Mat aligned = new Mat()) {
                recognizer.align(img, faces.get(0), aligned);
                assertThat(aligned.cols()).isEqualTo(112);
                assertThat(aligned.channels()).isEqualTo(3);
                String dump = System.getProperty("lenswire.mobilefacenet.dump-aligned");
                if (dump != null && scale == 1.0) {
                    byte[] raw = new byte[112 * 112 * 3];
                    aligned.data().get(raw);
                    try {
                        Files.write(Path.of(dump).resolve(photo + ".bgr"), raw);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return recognizer.embedAligned(aligned);
            }
        }
    }

    @Test
    void embeddingsMatchTheCheckedInReference() throws Exception {
        Map<String, float[]> reference = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream("mobilefacenet-reference.txt")) {
            assertThat(in).as("reference file").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                float[] v = new float[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    v[i - 1] = Float.parseFloat(parts[i]);
                }
                reference.put(parts[0], v);
            }
        }
        Map<String, float[]> now = new LinkedHashMap<>();
        StringBuilder actual = new StringBuilder();
        for (String photo : PHOTOS) {
            float[] e = embedding(photo, 1.0);
            now.put(photo, e);
            actual.append(photo);
            for (float v : e) {
                actual.append(String.format(Locale.ROOT, " %.5f", v));
            }
            actual.append('\n');
        }
        System.out.print("embeddings now:\n" + actual);
        assertThat(reference.keySet()).containsExactly(PHOTOS);
        for (String photo : PHOTOS) {
            float[] e = now.get(photo);
            float[] r = reference.get(photo);
            assertThat(e).hasSize(192);
            assertThat(r).hasSize(192);
            double maxDiff = 0;
            for (int i = 0; i < 192; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(e[i] - r[i]));
            }
            double cos = recognizer.similarity(e, r) / Math.sqrt(recognizer.similarity(r, r));
            System.out.printf(Locale.ROOT, "%s: cosine to reference %.6f, max |diff| %.6f%n", photo, cos, maxDiff);
            assertThat(maxDiff).as("largest difference from the reference embedding of %s", photo).isLessThan(0.001);
        }
    }

    @Test
    void samePersonAboveAndOtherPersonBelowTheThresholdAtEveryScale() {
        double threshold = recognizer.threshold();
        assertThat(threshold).isEqualTo(MobileFaceNetRecognizer.DEFAULT_THRESHOLD);
        for (double scale : new double[] {1.0, 0.5, 0.25}) {
            Map<String, float[]> e = new LinkedHashMap<>();
            for (String photo : PHOTOS) {
                e.put(photo, embedding(photo, scale));
            }
            List<String> table = new ArrayList<>();
            double minSame = 1, maxOther = -1;
            for (int i = 0; i < PHOTOS.length; i++) {
                for (int j = i + 1; j < PHOTOS.length; j++) {
                    double s = recognizer.similarity(e.get(PHOTOS[i]), e.get(PHOTOS[j]));
                    table.add(String.format(Locale.ROOT, "%s/%s %.3f", PHOTOS[i], PHOTOS[j], s));
                    boolean same = PHOTOS[i].startsWith("obama") == PHOTOS[j].startsWith("obama");
                    if (same) {
                        minSame = Math.min(minSame, s);
                    } else {
                        maxOther = Math.max(maxOther, s);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "mobilefacenet scale %.2f: %s; margin above %.3f, below %.3f%n", scale, String.join(", ", table),
                    minSame - threshold, threshold - maxOther);
            assertThat(minSame - threshold).as("same person above the threshold at scale %s", scale).isGreaterThan(0.2);
            assertThat(threshold - maxOther).as("other person below the threshold at scale %s", scale).isGreaterThan(0.2);
        }
    }

    @Test
    void throughH264OnlyTheEnrolledPersonIsNamedFromAnotherPhoto(@TempDir Path dir) throws Exception {
        float[] obama = EnrollmentImages.template(Files.readAllBytes(Shared.face("obama.jpg")), engine);
        engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama", List.of(obama)))));
        Path video = Shared.video(dir, "loop", "pattern", "obama2", "obama2", "obama2", "biden", "biden", "biden", "bars");
        AnalyticsProperties settings = Shared.settings();
        List<FaceEvent> events = RecognitionQualityTest.run(engine, Shared.packets(video, "test"), settings);
        List<FaceEvent.Face> left = new ArrayList<>();
        List<FaceEvent.Face> right = new ArrayList<>();
        for (FaceEvent e : events) {
            for (FaceEvent.Face f : e.faces()) {
                (f.bbox()[0] + f.bbox()[2] / 2.0 < 640 ? left : right).add(f);
            }
        }
        assertThat(left).hasSizeGreaterThan(20);
        assertThat(right).hasSizeGreaterThan(20);
        assertThat(right).as("Biden is never named").allSatisfy(f -> assertThat(f.personId()).isNull());
        long named = left.stream().filter(f -> "Obama".equals(f.name())).count();
        assertThat(named).as("obama2 frames named (the first votes of the visit excepted)").isGreaterThanOrEqualTo(left.size() - 3);
        double minSame = left.stream().filter(f -> f.similarity() != null).mapToDouble(FaceEvent.Face::similarity).min().orElseThrow();
        double maxOther = right.stream().filter(f -> f.similarity() != null).mapToDouble(FaceEvent.Face::similarity).max().orElseThrow();
        System.out.printf(Locale.ROOT, "mobilefacenet H.264 (enrolled from obama.jpg): obama2 min %.3f, biden max %.3f, threshold %.2f%n",
                minSame, maxOther, recognizer.threshold());
        assertThat(minSame).isGreaterThan(recognizer.threshold() + 0.2);
        assertThat(maxOther).isLessThan(recognizer.threshold() - 0.2);
    }

    @Test
    void stableTracksAreRecognizedEveryNthFrameWithTheSameNames(@TempDir Path dir) throws Exception {
        float[] obama = EnrollmentImages.template(Files.readAllBytes(Shared.face("obama.jpg")), engine);
        engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(1, "Obama", List.of(obama)))));
        Path video = Shared.video(dir, "still", "obama2", "obama2", "obama2", "obama2", "biden", "biden", "biden", "biden");
        List<io.lenswire.ingest.EncodedPacket> packets = Shared.packets(video, "test");
        long[] embedded = new long[2];
        long[] named = new long[2];
        long[] faces = new long[2];
        long[] bidenNamed = new long[2];
        double[] recognizeMs = new double[2];
        int[] everyN = {1, 5};
        for (int k = 0; k < 2; k++) {
            AnalyticsProperties settings = Shared.settings();
            settings.getRecognition().setRecognizeEveryNFrames(everyN[k]);
            io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            AnalyticsStats stats = new AnalyticsStats(() -> 0);
            try (CameraAnalytics pipeline = new CameraAnalytics("test", settings, engine, stats,
                    meters.timer("decode"), meters.timer("detect"), meters.timer("recognize"))) {
                for (io.lenswire.ingest.EncodedPacket p : packets) {
                    FaceEvent e = pipeline.process(Shared.fresh(p));
                    if (e == null) {
                        continue;
                    }
                    for (FaceEvent.Face f : e.faces()) {
                        faces[k]++;
                        boolean left = f.bbox()[0] + f.bbox()[2] / 2.0 < 640;
                        if ("Obama".equals(f.name())) {
                            if (left) {
                                named[k]++;
                            } else {
                                bidenNamed[k]++;
                            }
                        }
                    }
                }
                embedded[k] = stats.facesEmbedded();
                assertThat(stats.facesEmbedded() + stats.recognitionsSkipped()).isEqualTo(faces[k]);
                recognizeMs[k] = meters.timer("recognize").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            System.out.printf(Locale.ROOT, "recognize-every-n-frames %d: %d faces, %d embedded, %d named Obama in the obama2 part,"
                    + " %d in the biden part; recognize stage %.0f ms in total%n", everyN[k], faces[k], embedded[k], named[k], bidenNamed[k], recognizeMs[k]);
        }
        assertThat(faces[1]).isEqualTo(faces[0]);
        assertThat(embedded[0]).isEqualTo(faces[0]);
        // 4 s of each face: the first window (5 frames) is recognized every frame, then one in five
        assertThat(embedded[1]).isLessThan(embedded[0] / 2);
        assertThat(bidenNamed[0]).isZero();
        assertThat(bidenNamed[1]).isZero();
        assertThat(named[1]).isGreaterThanOrEqualTo(named[0] - 1);
    }

    @Test
    void embedAppliesTheQualityGate() {
        try (Mat photo = imread(Shared.face("obama2.jpg").toString()); MatFaceImage view = new MatFaceImage(photo)) {
            DetectedFace face = engine.detectInPhoto(photo).get(0);
            FaceRecognizer.Template t = recognizer.embed(view, face);
            assertThat(t.usable()).isTrue();
            assertThat(t.vector()).hasSize(192);
            double norm = recognizer.similarity(t.vector(), t.vector());
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            try (Mat small = new Mat(); Size size = new Size(photo.cols() / 10, photo.rows() / 10); MatFaceImage smallView = new MatFaceImage(small)) {
                resize(photo, small, size, 0, 0, INTER_AREA);
                FaceRecognizer.Template rejected = recognizer.embed(smallView, face.scaled(0.1, 0.1));
                assertThat(rejected.usable()).isFalse();
                assertThat(rejected.rejected()).contains("too small");
            }
        }
    }

    @Test
    void openCvRefusesThePublishedFileButLoadsTheRewrittenOne() throws Exception {
        byte[] published = Files.readAllBytes(Shared.models().resolve(MobileFaceNetRecognizer.DEFAULT_MODEL));
        assertThatThrownBy(() -> {
            try (BytePointer p = new BytePointer(published); Net net = readNetFromTFLite(p, published.length)) {
                assertThat(net.empty()).isTrue(); // a net that loads without the rewrite fails this test too
            }
        }).isInstanceOf(RuntimeException.class);
        byte[] patched = MobileFaceNetGraph.patch(published).bytes();
        try (BytePointer p = new BytePointer(patched); Net net = readNetFromTFLite(p, patched.length)) {
            assertThat(net.empty()).isFalse();
        }
    }

    private static AnalyticsProperties withModel(Path dir) {
        AnalyticsProperties p = Shared.settings();
        p.getRecognition().setMobilefacenetModel(dir.resolve("MobileFaceNet.tflite").toString());
        return p;
    }

    @Test
    void brokenModelFilesMakeAnalyticsUnavailableWithTheReason(@TempDir Path dir) throws Exception {
        byte[] published = Files.readAllBytes(Shared.models().resolve(MobileFaceNetRecognizer.DEFAULT_MODEL));
        Path file = dir.resolve("MobileFaceNet.tflite");

        byte[] flipped = published.clone();
        flipped[flipped.length / 2] ^= 1;
        Files.write(file, flipped);
        AnalyticsEngine wrong = new AnalyticsEngine(withModel(dir));
        assertThat(wrong.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(wrong.error()).contains("MobileFaceNet model file").contains("has sha256");
        wrong.destroy();

        Files.write(file, java.util.Arrays.copyOf(published, published.length / 3));
        AnalyticsProperties truncatedSettings = withModel(dir);
        truncatedSettings.getRecognition().setMobilefacenetSha256("");
        AnalyticsEngine truncated = new AnalyticsEngine(truncatedSettings);
        assertThat(truncated.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(truncated.error()).contains("not the expected graph").contains("truncated or corrupt");
        truncated.destroy();

        // another graph: the rewritten file (no ABS any more), with its own checksum configured
        byte[] other = MobileFaceNetGraph.patch(published).bytes();
        Files.write(file, other);
        AnalyticsProperties otherSettings = withModel(dir);
        otherSettings.getRecognition().setMobilefacenetSha256(ModelFiles.sha256(file));
        AnalyticsEngine another = new AnalyticsEngine(otherSettings);
        assertThat(another.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(another.error()).contains("not the expected graph").contains("no ABS operator");
        another.destroy();
    }

    @Test
    void autoFallsBackToTheBuiltinRecognizerWithoutTheFile(@TempDir Path dir) {
        AnalyticsEngine fallback = new AnalyticsEngine(withModel(dir));
        try {
            assertThat(fallback.ready()).isTrue();
            assertThat(fallback.recognizerName()).isEqualTo(BuiltinRecognizer.NAME);
        } finally {
            fallback.destroy();
        }
        AnalyticsProperties explicit = withModel(dir);
        explicit.getRecognition().setRecognizer("mobilefacenet");
        AnalyticsEngine missing = new AnalyticsEngine(explicit);
        assertThat(missing.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(missing.error()).contains("MobileFaceNet model file not found");
        missing.destroy();
    }
}
