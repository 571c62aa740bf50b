package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;

/** A decoded BGR picture (an enrollment photo) as a {@link FaceImage}; owns the gray copy it makes. */
public final class MatFaceImage implements FaceImage, AutoCloseable {

    private final Mat bgr;
    private Mat gray;

    /** {@code bgr} stays owned by the caller. */
    public MatFaceImage(Mat bgr) {
        this.bgr = bgr;
    }

    @Override
    public int width() {
        return bgr.cols();
    }

    @Override
    public int height() {
        return bgr.rows();
    }

    @Override
    public Mat gray() {
        if (gray == null) {
            gray = new Mat();
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
        }
        return gray;
    }

    @Override
    public Mat bgr() {
        return bgr;
    }

    @Override
    public void close() {
        if (gray != null) {
            gray.close();
            gray = null;
        }
    }
}
