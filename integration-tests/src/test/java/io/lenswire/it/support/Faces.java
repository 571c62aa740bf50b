package io.lenswire.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Face test material: the shared photos and YuNet model (system property {@code lenswire.shared},
 * set by failsafe), scenes and looping-camera directories made from them with ffmpeg, multipart
 * uploads, and the face events the server logs at DEBUG.
 */
public final class Faces {

    public static final String YUNET = "face_detection_yunet_2023mar.onnx";
    private static final Pattern EVENT = Pattern.compile("face-event (\\{.*})$", Pattern.MULTILINE);

    private Faces() {
    }

    public static Path shared() {
        Path dir = Path.of(System.getProperty("lenswire.shared", "../../shared")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("models").resolve(YUNET)) || !Files.isRegularFile(dir.resolve("faces").resolve("obama2.jpg"))) {
            throw new IllegalStateException("face models and photos not found under " + dir
                    + ": run ./scripts/test-all.sh (it fetches them when ../shared is absent) or pass -Dlenswire.shared.dir=DIR");
        }
        return dir;
    }

    public static Path models() {
        return shared().resolve("models");
    }

    public static Path photo(String name) {
        return shared().resolve("faces").resolve(name);
    }

    public static void ffmpeg(Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(workDir);
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("ffmpeg.log").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + command + "\n" + Files.readString(workDir.resolve("ffmpeg.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A 1280x720 JPEG: {@code pattern} and {@code bars} (test patterns), {@code obama2} (left half,
     * face centre x ~ 330), {@code obama} (obama.jpg the same way, face centre x ~ 410), {@code biden} (right half, face centre x ~ 1070), {@code two} (both).
     */
    public static Path scene(Path dir, String scene) {
        Path out = dir.resolve(scene + ".jpg");
        if (Files.exists(out)) {
            return out;
        }
        String bg = "color=c=0x506070:s=1280x720";
        switch (scene) {
            case "pattern" -> ffmpeg(dir, "-f", "lavfi", "-i", "testsrc2=s=1280x720", "-frames:v", "1", out.toString());
            case "bars" -> ffmpeg(dir, "-f", "lavfi", "-i", "smptehdbars=s=1280x720", "-frames:v", "1", out.toString());
            case "obama2" -> ffmpeg(dir, "-i", photo("obama2.jpg").toString(), "-f", "lavfi", "-i", bg, "-filter_complex",
                    "[0]scale=-2:720[f];[1][f]overlay=x=120:y=0", "-frames:v", "1", out.toString());
            case "obama" -> ffmpeg(dir, "-i", photo("obama.jpg").toString(), "-f", "lavfi", "-i", bg, "-filter_complex",
                    "[0]scale=-2:720[f];[1][f]overlay=x=120:y=0", "-frames:v", "1", out.toString());
            case "biden" -> ffmpeg(dir, "-i", photo("biden.jpg").toString(), "-f", "lavfi", "-i", bg, "-filter_complex",
                    "[0]crop=970:1100:0:0,scale=-2:720[f];[1][f]overlay=x=700:y=0", "-frames:v", "1", out.toString());
            case "two" -> ffmpeg(dir, "-i", photo("obama2.jpg").toString(), "-i", photo("biden.jpg").toString(), "-f", "lavfi", "-i", bg,
                    "-filter_complex", "[0]scale=-2:720[a];[1]crop=970:1100:0:0,scale=-2:720[b];[2][a]overlay=x=120:y=0[c];[c][b]overlay=x=700:y=0",
                    "-frames:v", "1", out.toString());
            default -> throw new IllegalArgumentException(scene);
        }
        return out;
    }

    /** A directory for the RTSP server's {@code jpegdir:} mount: one scene per second, looped. */
    public static Path loopDir(Path dir, String name, String... scenes) {
        Path loop = dir.resolve(name);
        try {
            Files.createDirectories(loop);
            for (int i = 0; i < scenes.length; i++) {
                Files.copy(scene(dir, scenes[i]), loop.resolve(String.format("f_%05d.jpg", i)), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loop;
    }

    /** One file of a multipart upload. */
    public record Part(String field, String fileName, String contentType, byte[] data) {
        public static Part text(String field, String value) {
            return new Part(field, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        public static Part file(Path path) {
            try {
                return new Part("images", path.getFileName().toString(), "image/jpeg", Files.readAllBytes(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public static Part image(String fileName, byte[] data) {
            return new Part("images", fileName, "image/jpeg", data);
        }
    }

    public static Api.Response postMultipart(Api api, String path, String apiKey, Part... parts) {
        String boundary = "----lenswire" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Part p : parts) {
                body.write(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
                String disposition = "Content-Disposition: form-data; name=\"" + p.field() + "\""
                        + (p.fileName() == null ? "" : "; filename=\"" + p.fileName() + "\"") + "\r\n";
                body.write(disposition.getBytes(StandardCharsets.UTF_8));
                if (p.contentType() != null) {
                    body.write(("Content-Type: " + p.contentType() + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
                body.write(p.data());
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder request = api.request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return api.send(request.build());
    }

    /** Face events logged by the server (logger io.lenswire.analytics.events at DEBUG) from a log offset on. */
    public static List<JsonNode> events(String log, int fromOffset) {
        List<JsonNode> out = new ArrayList<>();
        Matcher m = EVENT.matcher(log);
        m.region(Math.min(fromOffset, log.length()), log.length());
        while (m.find()) {
            try {
                out.add(Api.JSON.readTree(m.group(1)));
            } catch (IOException e) {
                // a line cut by a concurrent write: ignore
            }
        }
        return out;
    }
}
