package io.lenswire.ingest;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded demo camera's clip: a short H.264 test pattern the project draws itself, so
 * the demo needs no network, no camera and no shipped media. Written once into the data dir,
 * then looped in real time by the same javacv ingest path a real camera takes.
 */
public final class DemoClip {

    private static final Logger LOG = LoggerFactory.getLogger(DemoClip.class);
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    public static final int FPS = 25;
    public static final int SECONDS = 8;
    private static final String FILE_NAME = "demo-720p25-v1.mp4";

    private DemoClip() {
    }

    /** The clip under {@code dataDir/demo}, made now if missing. */
    public static Path ensure(Path dataDir) throws IOException {
        Path target = dataDir.resolve("demo").resolve(FILE_NAME);
        if (Files.isRegularFile(target) && Files.size(target) > 0) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(FILE_NAME + ".partial");
        long started = System.nanoTime();
        try {
            encode(partial);
        } catch (Exception e) {
            throw new IOException("could not make the demo clip: " + e.getMessage(), e);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("made demo clip {} in {} ms", target.getFileName(), (System.nanoTime() - started) / 1_000_000);
        return target;
    }

    private static void encode(Path file) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
             Mat image = new Mat(HEIGHT, WIDTH, CV_8UC3)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setVideoCodecName("libopenh264");
            recorder.setFrameRate(FPS);
            recorder.setGopSize(FPS);
            recorder.setVideoBitrate(1_500_000);
            recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            recorder.start();
            for (int i = 0; i < FPS * SECONDS; i++) {
                draw(image, i);
                recorder.record(converter.convert(image));
            }
            recorder.stop();
        }
    }

    private static void draw(Mat image, int frame) {
        int bars = 8;
        Scalar[] colors = {
            new Scalar(255, 255, 255, 0), new Scalar(0, 255, 255, 0), new Scalar(255, 255, 0, 0), new Scalar(0, 255, 0, 0),
            new Scalar(255, 0, 255, 0), new Scalar(0, 0, 255, 0), new Scalar(255, 0, 0, 0), new Scalar(40, 40, 40, 0)};
        int barWidth = WIDTH / bars;
        for (int b = 0; b < bars; b++) {
            rectangle(image, new Rect(b * barWidth, 0, barWidth, HEIGHT), colors[b], -1, LINE_AA, 0);
        }
        int x = (int) (WIDTH / 2 + (WIDTH / 3.0) * Math.sin(2 * Math.PI * frame / (FPS * SECONDS)));
        circle(image, new Point(x, HEIGHT / 2), 60, new Scalar(20, 20, 20, 0), -1, LINE_AA, 0);
        rectangle(image, new Rect(0, HEIGHT - 120, WIDTH, 120), new Scalar(0, 0, 0, 0), -1, LINE_AA, 0);
        String label = String.format("LENSWIRE DEMO  frame %03d  t=%.2fs", frame, frame / (double) FPS);
        putText(image, label, new Point(40, HEIGHT - 45), FONT_HERSHEY_SIMPLEX, 1.6, new Scalar(255, 255, 255, 0), 3, LINE_AA, false);
    }
}
