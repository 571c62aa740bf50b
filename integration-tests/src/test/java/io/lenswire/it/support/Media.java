package io.lenswire.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The Debian ffmpeg/ffprobe CLIs as independent judges of what the server streams. */
public final class Media {
    private Media() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(Duration limit, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** codec_name, width, height of the first video stream. */
    public static Result probe(String url) {
        return run(Duration.ofSeconds(60), "ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,codec_tag_string,width,height", "-of", "default=noprint_wrappers=1", url);
    }

    /** Decodes {@code seconds} of the stream; exit code 0 and no error lines mean it decoded cleanly. */
    public static Result decode(String url, int seconds) {
        return run(Duration.ofSeconds(seconds + 60), "ffmpeg", "-nostdin", "-v", "error", "-i", url, "-t", Integer.toString(seconds),
                "-f", "null", "-");
    }
}
