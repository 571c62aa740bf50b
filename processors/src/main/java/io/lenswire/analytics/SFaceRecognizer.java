package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_objdetect.FaceRecognizerSF;

/**
 * SFace (OpenCV Zoo, {@code face_recognition_sface_2021dec.onnx}) through OpenCV's
 * {@code FaceRecognizerSF}: the face is aligned with YuNet's five landmarks into SFace's 112x112
 * layout ({@code alignCrop}), embedded into 128 numbers, and compared by cosine similarity; OpenCV
 * documents 0.363 as the same-person threshold. The production recognizer; needs the model file.
 *
 * <p>Thread-safe: the network is shared by all cameras and guarded by this object's lock (one
 * embedding takes a few milliseconds). The same size and sharpness rules as the built-in
 * recognizer keep faces that are too small or blurred unknown.
 */
public final class SFaceRecognizer implements FaceRecognizer {

    public static final String NAME = "sface";

    private final FaceRecognizerSF net;
    private final double threshold;
    private final FaceQualityGate quality;

    public SFaceRecognizer(ModelFiles.Verified model, double threshold, double minEyeDistance, double minSharpness) {
        FaceRecognizerSF loaded;
        try {
            loaded = FaceRecognizerSF.create(model.path().toString(), "");
        } catch (RuntimeException e) {
            throw new ModelException("SFace model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV: " + FaceDetector.firstLine(e.getMessage()), e);
        }
        if (loaded == null || loaded.isNull()) {
            throw new ModelException("SFace model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV");
        }
        this.net = loaded;
        this.threshold = threshold;
        this.quality = new FaceQualityGate(minEyeDistance, minSharpness);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public Template embed(FaceImage image, DetectedFace face) {
        FaceQualityGate.Verdict verdict = quality.check(image, face);
        if (!verdict.passed()) {
            return verdict.rejection();
        }
        double sharpness = verdict.sharpness();
        float[] row = face.toYunetRow();
        float[] vector;
        synchronized (this) {
            try (Mat faceRow = new Mat(1, 15, CV_32F); Mat aligned = new Mat(); Mat feature = new Mat()) {
                try (FloatIndexer ix = faceRow.createIndexer()) {
                    for (int i = 0; i < 15; i++) {
                        ix.put(0, i, row[i]);
                    }
                }
                net.alignCrop(image.bgr(), faceRow, aligned);
                net.feature(aligned, feature);
                vector = new float[(int) feature.total()];
                try (Mat reshaped = feature.reshape(1, 1); Mat flat = reshaped.clone(); FloatPointer data = new FloatPointer(flat.data())) {
                    data.get(vector);
                }
            }
        }
        FaceRecognizer.unitLength(vector);
        return Template.of(vector, sharpness);
    }


    @Override
    public synchronized void close() {
        net.close();
    }
}
