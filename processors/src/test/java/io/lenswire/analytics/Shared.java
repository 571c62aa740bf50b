package io.lenswire.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;

/**
 * The shared face photos and YuNet model (system property {@code lenswire.shared}, set by the
 * build; ../shared beside the repository by default), and test videos made from them with the
 * Debian ffmpeg (libx264, the settings of the test RTSP server).
 */
final class Shared {

    static final String YUNET = "face_detection_yunet_2023mar.onnx";

    private Shared() {
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("lenswire.shared", "../../shared")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("models").resolve(YUNET)) || !Files.isRegularFile(dir.resolve("faces").resolve("obama.jpg"))) {
            throw new IllegalStateException("face models and photos not found under " + dir
                    + ": run ./scripts/test-all.sh (it fetches them when ../shared is absent) or pass -Dlenswire.shared.dir=DIR");
        }
        return dir;
    }

    static Path face(String name) {
        return dir().resolve("faces").resolve(name);
    }

    static Path models() {
        return dir().resolve("models");
    }

    static AnalyticsProperties settings() {
        AnalyticsProperties p = new AnalyticsProperties();
        p.setModelsDir(models());
        return p;
    }

    static void ffmpeg(Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("ffmpeg.log").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + command + "\n" + Files.readString(workDir.resolve("ffmpeg.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ffmpeg (Debian package) is needed by this test", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One 1280x720 JPEG per scene, as the integration test's looping camera shows them:
     * {@code pattern} (a test pattern), {@code obama2} (left half), {@code biden} (right half),
     * {@code obama} (centre), {@code obama2-half} and {@code biden-half} (half size), over a flat background.
     */
    static Path scene(Path dir, String scene) {
        Path out = dir.resolve(scene + ".jpg");
        if (Files.exists(out)) {
            return out;
        }
        switch (scene) {
            case "pattern" -> ffmpeg(dir, "-f", "lavfi", "-i", "testsrc2=s=1280x720", "-frames:v", "1", out.toString());
            case "bars" -> ffmpeg(dir, "-f", "lavfi", "-i", "smptehdbars=s=1280x720", "-frames:v", "1", out.toString());
            case "obama2" -> overlay(dir, "obama2.jpg", "scale=-2:720", 120, out);
            case "biden" -> overlay(dir, "biden.jpg", "crop=970:1100:0:0,scale=-2:720", 700, out);
            case "obama" -> overlay(dir, "obama.jpg", "scale=-2:720", 300, out);
            // the person further from the camera: half the size, on the same 720p frame
            case "obama2-half" -> overlay(dir, "obama2.jpg", "scale=-2:360", 200, 180, out);
            case "biden-half" -> overlay(dir, "biden.jpg", "crop=970:1100:0:0,scale=-2:360", 760, 180, out);
            default -> throw new IllegalArgumentException(scene);
        }
        return out;
    }

    private static void overlay(Path dir, String photo, String filter, int x, Path out) {
        overlay(dir, photo, filter, x, 0, out);
    }

    private static void overlay(Path dir, String photo, String filter, int x, int y, Path out) {
        ffmpeg(dir, "-i", face(photo).toString(), "-f", "lavfi", "-i", "color=c=0x506070:s=1280x720",
                "-filter_complex", "[0]" + filter + "[f];[1][f]overlay=x=" + x + ":y=" + y, "-frames:v", "1", out.toString());
    }

    /** H.264 at 25 fps, one second per scene, key frame every second (the test RTSP server's x264 settings). */
    static Path video(Path dir, String name, String... scenes) {
        Path frames = dir.resolve(name + "-frames");
        try {
            Files.createDirectories(frames);
            for (int i = 0; i < scenes.length; i++) {
                Files.copy(scene(dir, scenes[i]), frames.resolve(String.format("f_%05d.jpg", i)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path out = dir.resolve(name + ".mp4");
        ffmpeg(dir, "-framerate", "1", "-i", frames.resolve("f_%05d.jpg").toString(), "-vf", "fps=25,format=yuv420p",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-b:v", "2000k", "-g", "25", out.toString());
        return out;
    }

    /** The video's packets as the ingest component would deliver them (copied out of FFmpeg). */
    static List<EncodedPacket> packets(Path video, String cameraId) throws Exception {
        List<EncodedPacket> out = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            AVStream st = grabber.getFormatContext().streams(grabber.getVideoStream());
            AVCodecParameters par = st.codecpar();
            byte[] extradata = new byte[par.extradata_size()];
            par.extradata().get(extradata);
            StreamInfo info = new StreamInfo(1, st.index(), "h264", par.codec_id(), par.width(), par.height(), 25.0,
                    st.time_base().num(), st.time_base().den(), extradata, null);
            AVPacket pkt;
            while ((pkt = grabber.grabPacket()) != null) {
                if (pkt.stream_index() == st.index()) {
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data);
                    out.add(new EncodedPacket(cameraId, info, st.index(), true, (pkt.flags() & 1) != 0, pkt.pts(), pkt.dts(),
                            pkt.duration(), data, System.nanoTime()));
                }
                org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(pkt);
            }
        }
        return out;
    }

    /** The same packets stamped as if they had just arrived (analytics drops packets that waited too long). */
    static EncodedPacket fresh(EncodedPacket p) {
        return new EncodedPacket(p.cameraId(), p.stream(), p.streamIndex(), p.video(), p.keyFrame(), p.pts(), p.dts(), p.duration(),
                p.data(), System.nanoTime());
    }
}
