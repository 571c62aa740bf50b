package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import org.bytedeco.opencv.opencv_core.Mat;

import io.lenswire.analytics.FaceRecognizer.Template;

/**
 * The rules every recognizer applies before it embeds a face: a face smaller (eye distance) or
 * blurrier (variance of the Laplacian of the aligned grey crop) than configured stays unknown.
 * Both recognizers judge the same {@link BuiltinRecognizer#CROP}-pixel aligned crop, so one
 * threshold means the same thing whichever recognizer runs.
 */
final class FaceQualityGate {

    /** An aligned grey crop that passed, or the rejection to return instead. */
    record Verdict(byte[] pixels, double sharpness, Template rejection) {
        boolean passed() {
            return rejection == null;
        }
    }

    private final FaceAligner aligner = new FaceAligner(BuiltinRecognizer.CROP, 10, 24, 92);
    private final double minEyeDistance;
    private final double minSharpness;

    FaceQualityGate(double minEyeDistance, double minSharpness) {
        this.minEyeDistance = minEyeDistance;
        this.minSharpness = minSharpness;
    }

    Verdict check(FaceImage image, DetectedFace face) {
        if (face.eyeDistance() < minEyeDistance) {
            return new Verdict(null, 0,
                    Template.rejected("face too small (eye distance " + Math.round(face.eyeDistance()) + " px)", 0));
        }
        int size = BuiltinRecognizer.CROP;
        byte[] pixels = new byte[size * size];
        try (Mat crop = new Mat(size, size, CV_8U)) {
            aligner.align(image.gray(), face, crop);
            crop.data().get(pixels);
        }
        double sharpness = laplacianVariance(pixels, size);
        if (sharpness < minSharpness) {
            return new Verdict(pixels, sharpness,
                    Template.rejected("face too blurred (sharpness " + Math.round(sharpness) + ")", sharpness));
        }
        return new Verdict(pixels, sharpness, null);
    }

    /** Variance of the 4-neighbour Laplacian: low for a blurred face. */
    static double laplacianVariance(byte[] p, int size) {
        double sum = 0, sumSq = 0;
        int n = 0;
        for (int y = 1; y < size - 1; y++) {
            for (int x = 1; x < size - 1; x++) {
                int c = p[y * size + x] & 0xff;
                int lap = (p[(y - 1) * size + x] & 0xff) + (p[(y + 1) * size + x] & 0xff)
                        + (p[y * size + x - 1] & 0xff) + (p[y * size + x + 1] & 0xff) - 4 * c;
                sum += lap;
                sumSq += (double) lap * lap;
                n++;
            }
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }
}
