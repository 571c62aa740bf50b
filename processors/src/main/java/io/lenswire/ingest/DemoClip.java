package io.lenswire.ingest;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.io.InputStream;
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
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded demo camera's clip: a short H.264 test pattern the project draws itself, with
 * a public-domain face photo packaged in the jar ({@value #FACE_RESOURCE}, also served at
 * {@code GET /demo/face.jpg}) pasted on its left half from {@value #FACE_FROM_SECONDS} s to
 * {@value #FACE_UNTIL_SECONDS} s of the loop, so the demo needs no network and no camera, and
 * enrolling that photo shows face recognition end to end. Written once into the data dir, then
 * looped in real time by the same javacv ingest path a real camera takes.
 */
public final class DemoClip {

    private static final Logger LOG = LoggerFactory.getLogger(DemoClip.class);
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    public static final int FPS = 25;
    public static final int SECONDS = 8;
    /** The face photo pasted into the clip, from the classpath. */
    static final String FACE_RESOURCE = "/static/demo/face.jpg";
    /** Height of the pasted photo in the frame. */
    static final int FACE_HEIGHT = 360;
    static final double FACE_FROM_SECONDS = 4.0;
    static final double FACE_UNTIL_SECONDS = 7.0;
    /** Height of the black caption bar at the bottom of each frame; the photo stays above it. */
    private static final int CAPTION_HEIGHT = 120;
    /** Versioned: a change of what the clip shows must not reuse clips cached in data dirs. */
    private static final String FILE_NAME = "demo-720p25-v2.mp4";

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
             Mat image = new Mat(HEIGHT, WIDTH, CV_8UC3);
             Mat face = loadFace()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setVideoCodecName("libopenh264");
            recorder.setFrameRate(FPS);
            recorder.setGopSize(FPS);
            recorder.setVideoBitrate(1_500_000);
            recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            recorder.start();
            for (int i = 0; i < FPS * SECONDS; i++) {
                draw(image, face, i);
                recorder.record(converter.convert(image));
            }
            recorder.stop();
        }
    }

    /** The packaged face photo, decoded and scaled to {@link #FACE_HEIGHT} (BGR). */
    private static Mat loadFace() throws IOException {
        byte[] bytes;
        try (InputStream in = DemoClip.class.getResourceAsStream(FACE_RESOURCE)) {
            if (in == null) {
                throw new IOException(FACE_RESOURCE + " is missing from the classpath");
            }
            bytes = in.readAllBytes();
        }
        try (Mat encoded = new Mat(1, bytes.length, CV_8UC1)) {
            encoded.data().put(bytes);
            try (Mat decoded = imdecode(encoded, IMREAD_COLOR)) {
                if (decoded == null || decoded.empty()) {
                    throw new IOException(FACE_RESOURCE + " could not be decoded");
                }
                int width = (int) Math.round(decoded.cols() * (double) FACE_HEIGHT / decoded.rows());
                if (width > WIDTH / 2) {
                    throw new IOException(FACE_RESOURCE + " is too wide for the left half of the frame");
                }
                Mat scaled = new Mat();
                try (Size size = new Size(width, FACE_HEIGHT)) {
                    resize(decoded, scaled, size, 0, 0, INTER_AREA);
                } catch (RuntimeException e) {
                    scaled.close();
                    throw e;
                }
                return scaled;
            }
        }
    }

    /** Whether the frame with this index shows the face photo. */
    static boolean showsFace(int frame) {
        return frame >= FACE_FROM_SECONDS * FPS && frame < FACE_UNTIL_SECONDS * FPS;
    }

    private static void draw(Mat image, Mat face, int frame) {
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
        if (showsFace(frame)) {
            // centred in the left half, above the caption bar; pasted last there, so nothing covers it
            int left = (WIDTH / 2 - face.cols()) / 2;
            int top = (HEIGHT - CAPTION_HEIGHT - face.rows()) / 2;
            try (Rect where = new Rect(left, top, face.cols(), face.rows());
                 Mat region = image.apply(where)) {
                face.copyTo(region);
            }
        }
        rectangle(image, new Rect(0, HEIGHT - CAPTION_HEIGHT, WIDTH, CAPTION_HEIGHT), new Scalar(0, 0, 0, 0), -1, LINE_AA, 0);
        String label = String.format("LENSWIRE DEMO  frame %03d  t=%.2fs", frame, frame / (double) FPS);
        putText(image, label, new Point(40, HEIGHT - 45), FONT_HERSHEY_SIMPLEX, 1.6, new Scalar(255, 255, 255, 0), 3, LINE_AA, false);
    }
}
