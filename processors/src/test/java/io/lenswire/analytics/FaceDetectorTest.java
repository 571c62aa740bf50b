package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** YuNet through FaceDetectorYN on the shared photos and on synthetic images without faces. */
class FaceDetectorTest {

    private static FaceDetector detector;

    @BeforeAll
    static void load() {
        AnalyticsProperties settings = Shared.settings();
        detector = new FaceDetector(ModelFiles.verify("YuNet", Shared.models().resolve(Shared.YUNET), settings.getDetector().getSha256()),
                settings.getDetector());
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"obama.jpg", "obama-720p.jpg", "obama2.jpg", "biden.jpg"})
    void findsExactlyOneFaceInEachSharedPhoto(String photo) {
        try (Mat image = imread(Shared.face(photo).toString())) {
            assertThat(image.empty()).isFalse();
            // as the camera branch sees it: downscaled to the detector's 640-pixel input width
            List<DetectedFace> faces = detectAtWidth(image, 640);
            assertThat(faces).as("faces in %s", photo).hasSize(1);
            DetectedFace f = faces.get(0);
            assertThat(f.score()).isGreaterThan(0.8f);
            assertThat(f.eyeDistance()).isGreaterThan(15);
            // the landmarks lie inside the box
            for (int i = 0; i < 5; i++) {
                assertThat(f.landmarks()[2 * i]).isBetween(f.x(), f.x() + f.width());
                assertThat(f.landmarks()[2 * i + 1]).isBetween(f.y(), f.y() + f.height());
            }
        }
    }

    @Test
    void findsNoFaceInSyntheticPatterns() {
        Random random = new Random(42);
        try (Mat noise = new Mat(360, 640, CV_8UC3); Mat bars = new Mat(360, 640, CV_8UC3, new Scalar(40, 40, 40, 0));
             Mat gradient = new Mat(360, 640, CV_8UC3); Mat shapes = new Mat(360, 640, CV_8UC3, new Scalar(200, 200, 200, 0))) {
            try (UByteIndexer n = noise.createIndexer(); UByteIndexer g = gradient.createIndexer()) {
                for (int y = 0; y < 360; y++) {
                    for (int x = 0; x < 640; x++) {
                        for (int c = 0; c < 3; c++) {
                            n.put(y, x, c, random.nextInt(256));
                            g.put(y, x, c, (x + y * c) % 256);
                        }
                    }
                }
            }
            int[][] colors = {{255, 255, 255}, {0, 255, 255}, {255, 255, 0}, {0, 255, 0}, {255, 0, 255}, {0, 0, 255}, {255, 0, 0}, {0, 0, 0}};
            for (int i = 0; i < colors.length; i++) {
                rectangle(bars, new Point(i * 80, 0), new Point(i * 80 + 79, 359), new Scalar(colors[i][0], colors[i][1], colors[i][2], 0), -1, 8, 0);
            }
            for (int i = 0; i < 12; i++) {
                circle(shapes, new Point(40 + i * 50, 80 + (i % 3) * 90), 20 + (i % 4) * 5, new Scalar(i * 20, 80, 255 - i * 20, 0), -1, 8, 0);
            }
            for (Mat m : new Mat[] {noise, bars, gradient, shapes}) {
                assertThat(detector.detect(m)).isEmpty();
            }
        }
    }

    @Test
    void findsNoFaceInTheIntegrationTestsPatterns(@TempDir Path dir) {
        for (String scene : new String[] {"pattern", "bars"}) {
            try (Mat image = imread(Shared.scene(dir, scene).toString())) {
                assertThat(detectAtWidth(image, 640)).as(scene).isEmpty();
            }
        }
    }

    @Test
    void missingModelIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelFiles.verify("YuNet", dir.resolve(Shared.YUNET), "abc"))
                .isInstanceOf(ModelException.class).hasMessageContaining("not found").hasMessageContaining(Shared.YUNET);
    }

    @Test
    void corruptModelIsAClearError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve(Shared.YUNET);
        byte[] real = Files.readAllBytes(Shared.models().resolve(Shared.YUNET));
        Files.write(bad, java.util.Arrays.copyOf(real, real.length / 2));
        assertThatThrownBy(() -> ModelFiles.verify("YuNet", bad, Shared.settings().getDetector().getSha256()))
                .isInstanceOf(ModelException.class).hasMessageContaining("sha256");
        // with the checksum check off, OpenCV itself refuses the file
        assertThatThrownBy(() -> new FaceDetector(ModelFiles.verify("YuNet", bad, ""), Shared.settings().getDetector()))
                .isInstanceOf(ModelException.class).hasMessageContaining("could not be loaded");
    }

    @Test
    void engineWithoutModelsUsesTheYunetPackagedInTheJar(@TempDir Path dir) throws IOException {
        AnalyticsProperties settings = new AnalyticsProperties();
        settings.setModelsDir(dir);
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        try {
            assertThat(engine.status()).as(engine.error()).isEqualTo(AnalyticsEngine.Status.READY);
            assertThat(engine.recognizerName()).isEqualTo(BuiltinRecognizer.NAME);
            try (Mat photo = imread(Shared.face("obama.jpg").toString())) {
                assertThat(engine.detectInPhoto(photo)).hasSize(1);
            }
        } finally {
            engine.destroy();
        }
        // the packaged copy is the shared file
        assertThat(ModelFiles.bundled("YuNet", Shared.YUNET, "").sha256()).isEqualTo(ModelFiles.sha256(Shared.models().resolve(Shared.YUNET)));
        // a file in the models dir takes its place: a broken one is an error, not silently replaced
        Files.write(dir.resolve(Shared.YUNET), new byte[1000]);
        AnalyticsEngine broken = new AnalyticsEngine(settings);
        assertThat(broken.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(broken.error()).contains("sha256").contains(Shared.YUNET).doesNotContain(dir.toString());
        broken.destroy();
    }

    @Test
    void engineWithAnotherMissingDetectorIsUnavailableNotBroken(@TempDir Path dir) {
        AnalyticsProperties settings = new AnalyticsProperties();
        settings.setModelsDir(dir);
        settings.getDetector().setModel("yunet-other.onnx");
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        assertThat(engine.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(engine.error()).contains("not found").contains("yunet-other.onnx").doesNotContain(dir.toString());
        assertThat(engine.recognizerName()).isNull();
        engine.destroy();
    }

    @Test
    void sfaceFileMissingMakesAnalyticsUnavailable(@TempDir Path dir) {
        AnalyticsProperties settings = Shared.settings();
        settings.getRecognition().setSfaceModel(dir.resolve("face_recognition_sface_2021dec.onnx").toString());
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        assertThat(engine.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(engine.error()).contains("SFace").contains("not found");
        engine.destroy();
    }

    @Test
    void sfaceFileThatIsNotAModelIsAClearError(@TempDir Path dir) throws IOException {
        Path bogus = dir.resolve("face_recognition_sface_2021dec.onnx");
        Files.write(bogus, new byte[4096]);
        AnalyticsProperties settings = Shared.settings();
        settings.getRecognition().setSfaceModel(bogus.toString());
        AnalyticsEngine engine = new AnalyticsEngine(settings);
        assertThat(engine.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(engine.error()).contains("SFace").contains("sha256");
        settings.getRecognition().setSfaceSha256("");
        AnalyticsEngine unchecked = new AnalyticsEngine(settings);
        assertThat(unchecked.status()).isEqualTo(AnalyticsEngine.Status.UNAVAILABLE);
        assertThat(unchecked.error()).contains("SFace").contains("could not be loaded");
        engine.destroy();
        unchecked.destroy();
    }

    static List<DetectedFace> detectAtWidth(Mat image, int width) {
        int height = (int) Math.round(image.rows() * (double) width / image.cols());
        try (Mat small = new Mat(); Size size = new Size(width, height)) {
            resize(image, small, size, 0, 0, INTER_AREA);
            return detector.detect(small).stream()
                    .map(f -> f.scaled(image.cols() / (double) width, image.rows() / (double) height)).toList();
        }
    }
}
