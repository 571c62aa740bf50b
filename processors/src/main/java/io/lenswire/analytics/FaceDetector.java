package io.lenswire.analytics;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.FaceDetectorYN;

/**
 * YuNet (OpenCV's {@code FaceDetectorYN}) over BGR images. One instance per thread: the underlying
 * network is not thread-safe. Owns its native detector and result matrix; {@link #close()} frees them.
 */
public final class FaceDetector implements AutoCloseable {

    private final FaceDetectorYN detector;
    private final Mat faces = new Mat();
    private int width;
    private int height;

    /** Loads the model; a missing or corrupt file throws {@link ModelException} with the reason. */
    public FaceDetector(ModelFiles.Verified model, AnalyticsProperties.Detector settings) {
        FaceDetectorYN d;
        try (Size initial = new Size(320, 320)) {
            d = model.bundled() != null
                    ? FaceDetectorYN.create("onnx", model.bundled(), new byte[0], initial, settings.getScoreThreshold(),
                            settings.getNmsThreshold(), settings.getTopK(), 0, 0)
                    : FaceDetectorYN.create(model.path().toString(), "", initial, settings.getScoreThreshold(),
                            settings.getNmsThreshold(), settings.getTopK(), 0, 0);
        } catch (RuntimeException e) {
            throw new ModelException("YuNet model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV (corrupt or not a YuNet 2023mar ONNX file): "
                    + firstLine(e.getMessage()), e);
        }
        if (d == null || d.isNull()) {
            throw new ModelException("YuNet model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV");
        }
        this.detector = d;
        this.width = 320;
        this.height = 320;
    }

    /** Faces in {@code bgr} (8-bit, 3 channels), in its own coordinates, best score first. */
    public List<DetectedFace> detect(Mat bgr) {
        if (bgr.cols() != width || bgr.rows() != height) {
            width = bgr.cols();
            height = bgr.rows();
            try (Size size = new Size(width, height)) {
                detector.setInputSize(size);
            }
        }
        detector.detect(bgr, faces);
        int n = faces.rows();
        if (n == 0 || faces.cols() < 15) {
            return List.of();
        }
        List<DetectedFace> found = new ArrayList<>(n);
        try (FloatIndexer ix = faces.createIndexer()) {
            for (int i = 0; i < n; i++) {
                float[] landmarks = new float[10];
                for (int j = 0; j < 10; j++) {
                    landmarks[j] = ix.get(i, 4 + j);
                }
                found.add(new DetectedFace(ix.get(i, 0), ix.get(i, 1), ix.get(i, 2), ix.get(i, 3), ix.get(i, 14), landmarks));
            }
        }
        found.sort((a, b) -> Float.compare(b.score(), a.score()));
        return found;
    }

    @Override
    public void close() {
        faces.close();
        detector.close();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
