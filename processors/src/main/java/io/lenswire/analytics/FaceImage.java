package io.lenswire.analytics;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A full-resolution image that faces were found in, as a recognizer needs it: 8-bit grayscale
 * (for a video frame: the decoder's luma plane, no conversion) and, only when asked, BGR.
 * The images stay owned by whoever made this view and are valid only during the call.
 */
public interface FaceImage {

    int width();

    int height();

    /** 8-bit single-channel image. */
    Mat gray();

    /** 8-bit 3-channel BGR image (may be converted on first call). */
    Mat bgr();
}
