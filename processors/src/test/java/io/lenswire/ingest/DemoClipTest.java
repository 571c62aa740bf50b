package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo clip shows the packaged face photo on its left half for part of the loop, the pattern otherwise. */
class DemoClipTest {

    @TempDir
    static Path dataDir;
    private static Path clip;

    @BeforeAll
    static void makeClip() throws IOException {
        clip = DemoClip.ensure(dataDir);
    }

    @Test
    void showsTheFaceOnTheLeftHalfOnlyInItsWindow() throws Exception {
        int patternFrame = DemoClip.FPS;          // 1 s
        int faceFrame = DemoClip.FPS * 5;         // 5 s
        int afterFaceFrame = DemoClip.FPS * 7 + 12; // 7.5 s
        assertThat(DemoClip.showsFace(patternFrame)).isFalse();
        assertThat(DemoClip.showsFace(faceFrame)).isTrue();
        assertThat(DemoClip.showsFace(afterFaceFrame)).isFalse();

        try (Mat pattern = decodedFrame(patternFrame);
             Mat face = decodedFrame(faceFrame);
             Mat afterFace = decodedFrame(afterFaceFrame)) {
            // the bars are flat colours, the photo is not: far apart in the photo's region
            assertThat(leftHalfDifference(pattern, face)).as("face vs pattern, left half").isGreaterThan(40);
            // after the window the left half is the pattern again (only the moving disc differs)
            assertThat(leftHalfDifference(pattern, afterFace)).as("pattern at 7.5 s vs 1 s, left half").isLessThan(25);
        }
    }

    /** Mean absolute difference (0-255, averaged over channels) in the region the photo occupies. */
    private static double leftHalfDifference(Mat a, Mat b) {
        int left = (DemoClip.WIDTH / 2 - 288) / 2; // 288: the 320x400 photo at 360 px tall
        int top = (DemoClip.HEIGHT - 120 - DemoClip.FACE_HEIGHT) / 2;
        try (Rect region = new Rect(left, top, 288, DemoClip.FACE_HEIGHT);
             Mat ra = a.apply(region);
             Mat rb = b.apply(region);
             Mat diff = new Mat()) {
            absdiff(ra, rb, diff);
            try (Scalar m = mean(diff)) {
                return (m.get(0) + m.get(1) + m.get(2)) / 3;
            }
        }
    }

    /** The clip's frame with this index, decoded (BGR), as a Mat of its own. */
    private static Mat decodedFrame(int index) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.toFile());
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            grabber.start();
            for (int i = 0; ; i++) {
                Frame frame = grabber.grabImage();
                assertThat(frame).as("frame %d", i).isNotNull();
                if (i == index) {
                    return converter.convert(frame).clone();
                }
            }
        }
    }
}
