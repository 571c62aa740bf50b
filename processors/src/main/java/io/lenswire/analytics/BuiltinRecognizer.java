package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Face recognition that needs no weights file: landmark-aligned tight grayscale crop (64x64, eyebrows
 * to chin), a light Gaussian blur (sigma 1.2, so that video compression noise does not dominate the
 * texture), histogram equalization, then uniform local binary patterns (LBP, 8 neighbours at radius
 * 1, 2 and 3) histogrammed over a 4x4 grid of cells. A template is the concatenation of the square roots of the
 * cell histograms, normalized, so the similarity of two templates (their dot product) is the mean
 * Bhattacharyya coefficient of the cell histograms, in [0, 1].
 *
 * <p>Faces that are too small (eye distance) or too blurred (variance of the Laplacian of the
 * aligned crop, before equalization) are rejected rather than guessed. The threshold is calibrated
 * on the shared photos seen directly and through H.264 video (see docs/benchmarks.md); it is set
 * to keep false accepts at zero, at the cost of recognizing a person only from photos close to
 * the ones enrolled (SFace is the recognizer for production).
 *
 * <p>Thread-safe: no state besides configuration; native buffers are per call.
 */
public final class BuiltinRecognizer implements FaceRecognizer {

    public static final String NAME = "builtin-lbp";
    /** Calibrated similarity threshold (see class comment and docs/benchmarks.md). */
    public static final double DEFAULT_THRESHOLD = 0.80;
    /** Minimum variance of the Laplacian of the 64x64 aligned crop: sharp faces measured 600-1500 (photos and H.264 frames), a sigma-8 blur 18. */
    public static final double DEFAULT_MIN_SHARPNESS = 50;

    static final int CROP = 64;
    static final int GRID = 4;
    static final int[] RADII = {1, 2, 3};
    static final double BLUR_SIGMA = 1.2;
    private static final int BINS = 59;
    private static final int[] UNIFORM = uniformMapping();

    private final double threshold;
    private final FaceQualityGate quality;

    public BuiltinRecognizer(double threshold, double minEyeDistance, double minSharpness) {
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
        return Template.of(features(normalized(verdict.pixels())), verdict.sharpness());
    }

    /** Light blur, then histogram equalization (OpenCV's equalizeHist), on a copy of the crop. */
    static byte[] normalized(byte[] pixels) {
        byte[] out = new byte[pixels.length];
        try (Mat in = new Mat(CROP, CROP, CV_8U); Mat blurred = new Mat(); Mat eq = new Mat(); Size auto = new Size(0, 0)) {
            in.data().put(pixels);
            GaussianBlur(in, blurred, auto, BLUR_SIGMA);
            equalizeHist(blurred, eq);
            eq.data().get(out);
        }
        return out;
    }

    /** sqrt-normalized uniform-LBP histograms of a GRID x GRID cell grid, for each radius. */
    static float[] features(byte[] p) {
        float[] v = new float[RADII.length * GRID * GRID * BINS];
        for (int i = 0; i < RADII.length; i++) {
            lbpHistograms(p, RADII[i], v, i * GRID * GRID * BINS);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sqrt(v[i]);
        }
        return FaceRecognizer.unitLength(v);
    }

    private static void lbpHistograms(byte[] p, int r, float[] out, int offset) {
        int[] dx = {-r, 0, r, r, r, 0, -r, -r};
        int[] dy = {-r, -r, -r, 0, r, r, r, 0};
        int cell = CROP / GRID;
        int[] counts = new int[GRID * GRID];
        for (int y = r; y < CROP - r; y++) {
            for (int x = r; x < CROP - r; x++) {
                int c = p[y * CROP + x] & 0xff;
                int code = 0;
                for (int k = 0; k < 8; k++) {
                    int n = p[(y + dy[k]) * CROP + x + dx[k]] & 0xff;
                    code = (code << 1) | (n >= c ? 1 : 0);
                }
                int cellIndex = (y / cell) * GRID + (x / cell);
                out[offset + cellIndex * BINS + UNIFORM[code]] += 1;
                counts[cellIndex]++;
            }
        }
        for (int i = 0; i < GRID * GRID; i++) {
            if (counts[i] > 0) {
                for (int b = 0; b < BINS; b++) {
                    out[offset + i * BINS + b] /= counts[i];
                }
            }
        }
    }

    /** Maps an 8-bit LBP code to one of 58 uniform patterns (at most two 0/1 transitions) or bin 58. */
    private static int[] uniformMapping() {
        int[] map = new int[256];
        int next = 0;
        for (int code = 0; code < 256; code++) {
            int transitions = Integer.bitCount((code ^ ((code << 1) | (code >>> 7))) & 0xff);
            map[code] = transitions <= 2 ? next++ : BINS - 1;
        }
        return map;
    }


    @Override
    public void close() {
        // nothing native is kept between calls
    }
}
