package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Puts a face into a canonical pose using its five landmarks: the least-squares similarity
 * transform (rotation, uniform scale, shift; no shear, no mirror) that maps the landmarks onto a
 * fixed template, applied to the grayscale image. The result is a tight crop from the eyebrows to
 * the chin and from cheek to cheek, so hair, ears and background hardly enter it.
 */
public final class FaceAligner {

    /**
     * Template for a 112x112 crop (the widely used ArcFace/SFace layout): eye centres, nose tip,
     * mouth corners, in YuNet's order (image-left eye first).
     */
    private static final double[] TEMPLATE_112 = {
            38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041};

    private final int size;
    /** Template points inside the output crop. */
    private final double[] template = new double[10];

    /**
     * @param size  side of the square output crop in pixels
     * @param left,top,side  the square of the 112x112 layout that becomes the output crop
     */
    public FaceAligner(int size, double left, double top, double side) {
        this.size = size;
        double scale = size / side;
        for (int i = 0; i < 5; i++) {
            template[2 * i] = (TEMPLATE_112[2 * i] - left) * scale;
            template[2 * i + 1] = (TEMPLATE_112[2 * i + 1] - top) * scale;
        }
    }

    public int size() {
        return size;
    }

    /**
     * Least-squares similarity transform from {@code landmarks} to the template, as a 2x3 matrix
     * {@code [a -b tx; b a ty]} (Umeyama without reflection, closed form).
     */
    double[] transform(float[] landmarks) {
        double mx = 0, my = 0, tx = 0, ty = 0;
        for (int i = 0; i < 5; i++) {
            mx += landmarks[2 * i];
            my += landmarks[2 * i + 1];
            tx += template[2 * i];
            ty += template[2 * i + 1];
        }
        mx /= 5; my /= 5; tx /= 5; ty /= 5;
        double num1 = 0, num2 = 0, den = 0;
        for (int i = 0; i < 5; i++) {
            double px = landmarks[2 * i] - mx, py = landmarks[2 * i + 1] - my;
            double qx = template[2 * i] - tx, qy = template[2 * i + 1] - ty;
            num1 += px * qx + py * qy;
            num2 += px * qy - py * qx;
            den += px * px + py * py;
        }
        if (den <= 1e-9) {
            throw new IllegalArgumentException("degenerate landmarks");
        }
        double a = num1 / den;
        double b = num2 / den;
        return new double[] {a, -b, tx - (a * mx - b * my), b, a, ty - (b * mx + a * my)};
    }

    /**
     * Writes the aligned crop of {@code face} from {@code gray} into {@code out} (size x size, 8-bit).
     * Large faces are warped to twice the size first and then area-averaged down, so that the crop
     * is not aliased.
     */
    public void align(Mat gray, DetectedFace face, Mat out) {
        double[] m = transform(face.landmarks());
        double scale = Math.hypot(m[0], m[3]);
        int factor = scale < 0.5 ? 2 : 1;
        try (Mat matrix = new Mat(2, 3, CV_64F)) {
            try (DoubleIndexer ix = matrix.createIndexer()) {
                for (int i = 0; i < 6; i++) {
                    ix.put(i / 3, i % 3, m[i] * factor);
                }
            }
            try (Scalar border = new Scalar(0)) {
                if (factor == 1) {
                    try (Size s = new Size(size, size)) {
                        warpAffine(gray, out, matrix, s, INTER_LINEAR, BORDER_REPLICATE, border);
                    }
                } else {
                    try (Mat big = new Mat(); Size bs = new Size(size * factor, size * factor); Size s = new Size(size, size)) {
                        warpAffine(gray, big, matrix, bs, INTER_LINEAR, BORDER_REPLICATE, border);
                        resize(big, out, s, 0, 0, INTER_AREA);
                    }
                }
            }
        }
    }
}
