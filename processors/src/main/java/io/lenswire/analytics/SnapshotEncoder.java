package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * JPEG snapshots of an analysed frame, for events: the face with a margin around its box, and the
 * whole frame at the snapshot width. Encoded on the analytics thread that owns the frame, when a
 * face is announced and every few seconds while its visit lasts, so no native frame ever leaves
 * that thread.
 */
final class SnapshotEncoder {

    /** Margin around the face box on each side, as a fraction of the box's size. */
    static final double FACE_MARGIN = 0.4;
    static final int JPEG_QUALITY = 85;

    private SnapshotEncoder() {
    }

    /** The whole frame, downscaled to {@code width} when it is wider. */
    static byte[] frame(Mat bgr, int width) {
        if (bgr.cols() <= width) {
            return jpeg(bgr);
        }
        int height = Math.max(2, (int) Math.round(bgr.rows() * (double) width / bgr.cols()));
        try (Mat small = new Mat(); Size size = new Size(width, height)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            return jpeg(small);
        }
    }

    /** The face's box widened by {@link #FACE_MARGIN}, clamped to the frame. */
    static byte[] face(Mat bgr, DetectedFace face) {
        Rect r = marginBox(bgr.cols(), bgr.rows(), face.x(), face.y(), face.width(), face.height());
        try (r; Mat crop = new Mat(bgr, r)) {
            return jpeg(crop);
        }
    }

    static Rect marginBox(int frameWidth, int frameHeight, float x, float y, float w, float h) {
        int x0 = clamp((int) Math.round(x - w * FACE_MARGIN), frameWidth - 1);
        int y0 = clamp((int) Math.round(y - h * FACE_MARGIN), frameHeight - 1);
        int x1 = clamp((int) Math.round(x + w * (1 + FACE_MARGIN)), frameWidth);
        int y1 = clamp((int) Math.round(y + h * (1 + FACE_MARGIN)), frameHeight);
        return new Rect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }

    private static byte[] jpeg(Mat image) {
        try (BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            if (!imencode(".jpg", image, out, params)) {
                throw new IllegalStateException("JPEG encoding failed");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
