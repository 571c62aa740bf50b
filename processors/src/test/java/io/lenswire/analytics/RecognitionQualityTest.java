package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lenswire.ingest.EncodedPacket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The built-in recognizer through the real camera pipeline (H.264 → libavcodec → YuNet →
 * recognizer → visit decision), on a video made from the shared photos: Obama enrolled from
 * obama2.jpg and obama.jpg must be named in the obama2 part, Biden must never be, and the margins
 * on both sides of the threshold are reported (docs/benchmarks.md).
 */
class RecognitionQualityTest {

    private static AnalyticsEngine engine;

    @BeforeAll
    static void start() {
        engine = new AnalyticsEngine(builtin());
        assertThat(engine.ready()).as(engine.error()).isTrue();
        assertThat(engine.recognizerName()).isEqualTo(BuiltinRecognizer.NAME);
    }

    /** This test is about the built-in recognizer: pinned, since auto picks MobileFaceNet when its file is there. */
    static AnalyticsProperties builtin() {
        AnalyticsProperties p = Shared.settings();
        p.getRecognition().setRecognizer("builtin");
        return p;
    }

    @AfterAll
    static void stop() {
        engine.destroy();
    }

    static float[] template(String photo) throws Exception {
        float[] t = EnrollmentImages.template(Files.readAllBytes(Shared.face(photo)), engine);
        assertThat(t).as("template of %s", photo).isNotNull();
        return t;
    }

    /** Runs the packets through one camera pipeline; returns its events. */
    static List<FaceEvent> run(List<EncodedPacket> packets, AnalyticsProperties settings) throws Exception {
        return run(engine, packets, settings);
    }

    static List<FaceEvent> run(AnalyticsEngine engine, List<EncodedPacket> packets, AnalyticsProperties settings) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<FaceEvent> events = new ArrayList<>();
        try (CameraAnalytics pipeline = new CameraAnalytics("test", settings, engine, new AnalyticsStats(() -> 0),
                meters.timer("decode"), meters.timer("detect"), meters.timer("recognize"))) {
            for (EncodedPacket p : packets) {
                FaceEvent e = pipeline.process(Shared.fresh(p));
                if (e != null) {
                    events.add(e);
                }
            }
            assertThat(pipeline.stats().framesProcessed()).isGreaterThan(0);
            long faces = events.stream().mapToLong(e -> e.faces().size()).sum();
            assertThat(pipeline.stats().facesDetected()).isEqualTo(faces);
            assertThat(pipeline.stats().facesRecognized()).isEqualTo(events.stream().mapToLong(FaceEvent::recognized).sum());
        }
        return events;
    }

    @Test
    void enrolledPersonIsNamedAndTheOtherNever(@TempDir Path dir) throws Exception {
        engine.gallery(new Gallery(engine.recognizerName(), List.of(
                new Gallery.Person(1, "Obama", List.of(template("obama2.jpg"), template("obama.jpg"))))));
        Path video = Shared.video(dir, "loop", "pattern", "obama2", "obama2", "obama2", "biden", "biden", "biden", "bars");
        List<EncodedPacket> packets = Shared.packets(video, "test");
        assertThat(packets).hasSizeGreaterThan(150);

        List<FaceEvent> events = run(packets, builtin());
        List<FaceEvent.Face> obama = new ArrayList<>();
        List<FaceEvent.Face> biden = new ArrayList<>();
        for (FaceEvent e : events) {
            for (FaceEvent.Face f : e.faces()) {
                double cx = f.bbox()[0] + f.bbox()[2] / 2.0;
                assertThat(cx).as("a face outside the photos (in a pattern?) at %s", java.util.Arrays.toString(f.bbox()))
                        .satisfiesAnyOf(x -> assertThat(x).isBetween(120.0, 500.0), x -> assertThat(x).isBetween(700.0, 1280.0));
                (cx < 640 ? obama : biden).add(f);
            }
        }
        // 3 s of each at 25 fps, every 3rd frame analysed: about 25 frames each
        assertThat(obama).hasSizeGreaterThan(20);
        assertThat(biden).hasSizeGreaterThan(20);
        long obamaNamed = obama.stream().filter(f -> "Obama".equals(f.name())).count();
        assertThat(biden).as("Biden is never labelled").allSatisfy(f -> assertThat(f.personId()).isNull());
        // the first frames of a visit vote before a name is given
        assertThat(obamaNamed).isGreaterThanOrEqualTo(obama.size() - 3);

        DoubleSummaryStatistics genuine = obama.stream().filter(f -> f.similarity() != null).mapToDouble(FaceEvent.Face::similarity).summaryStatistics();
        DoubleSummaryStatistics impostor = biden.stream().filter(f -> f.similarity() != null).mapToDouble(FaceEvent.Face::similarity).summaryStatistics();
        double threshold = engine.recognizer().threshold();
        System.out.printf("builtin-lbp H.264 margins: enrolled (obama2 video) min %.4f max %.4f; other (biden video) min %.4f max %.4f;"
                + " threshold %.2f; margin above %.4f, below %.4f%n", genuine.getMin(), genuine.getMax(), impostor.getMin(),
                impostor.getMax(), threshold, genuine.getMin() - threshold, threshold - impostor.getMax());
        assertThat(genuine.getMin() - threshold).as("margin of the enrolled person above the threshold").isGreaterThan(0.05);
        assertThat(threshold - impostor.getMax()).as("margin of the other person below the threshold").isGreaterThan(0.05);
    }

    @Test
    void unknownFacesStayUnknownWhenOnlyTheOtherPersonIsEnrolled(@TempDir Path dir) throws Exception {
        engine.gallery(new Gallery(engine.recognizerName(), List.of(new Gallery.Person(7, "Biden", List.of(template("biden.jpg"))))));
        Path video = Shared.video(dir, "obama", "obama2", "obama2", "obama");
        List<FaceEvent> events = run(Shared.packets(video, "test"), builtin());
        assertThat(events).isNotEmpty();
        assertThat(events).allSatisfy(e -> assertThat(e.faces()).allSatisfy(f -> assertThat(f.name()).isNull()));
    }

    @Test
    void photoSimilaritiesShowTheMargins() throws Exception {
        FaceRecognizer r = engine.recognizer();
        String[] photos = {"obama.jpg", "obama-720p.jpg", "obama2.jpg", "biden.jpg"};
        float[][] t = new float[photos.length][];
        for (int i = 0; i < photos.length; i++) {
            t[i] = template(photos[i]);
        }
        double sameSitting = r.similarity(t[0], t[1]);
        double crossPhoto = r.similarity(t[0], t[2]);
        double impostor = Math.max(Math.max(r.similarity(t[0], t[3]), r.similarity(t[1], t[3])), r.similarity(t[2], t[3]));
        System.out.printf("builtin-lbp photos: obama/obama-720p (same sitting) %.4f, obama/obama2 (other photo) %.4f, max obama*/biden %.4f%n",
                sameSitting, crossPhoto, impostor);
        assertThat(impostor).isLessThan(r.threshold() - 0.05);
        assertThat(sameSitting).isGreaterThan(impostor);
    }

    @Test
    void tooSmallAndBlurredFacesAreNotRecognized() {
        FaceRecognizer r = engine.recognizer();
        try (Mat photo = imread(Shared.face("obama.jpg").toString())) {
            DetectedFace face = engine.detectInPhoto(photo).get(0);
            try (MatFaceImage view = new MatFaceImage(photo)) {
                FaceRecognizer.Template sharp = r.embed(view, face);
                assertThat(sharp.usable()).isTrue();
                System.out.printf("sharpness of obama.jpg: %.0f%n", sharp.sharpness());
            }
            try (Mat blurred = new Mat(); Size auto = new Size(0, 0)) {
                GaussianBlur(photo, blurred, auto, 8);
                try (MatFaceImage view = new MatFaceImage(blurred)) {
                    FaceRecognizer.Template t = r.embed(view, face);
                    System.out.printf("sharpness of obama.jpg blurred (sigma 8): %.0f%n", t.sharpness());
                    assertThat(t.usable()).isFalse();
                    assertThat(t.rejected()).contains("blurred");
                }
            }
            try (Mat small = new Mat(); Size size = new Size(photo.cols() / 8, photo.rows() / 8)) {
                resize(photo, small, size, 0, 0, INTER_AREA);
                try (MatFaceImage view = new MatFaceImage(small)) {
                    FaceRecognizer.Template t = r.embed(view, face.scaled(1 / 8.0, 1 / 8.0));
                    assertThat(t.usable()).isFalse();
                    assertThat(t.rejected()).contains("too small");
                }
            }
        }
    }
}
