package io.lenswire.hls;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Reads what a camera's muxer wrote. Only names the muxer itself produces are ever resolved
 * (no path from a request reaches the file system), so traversal is impossible by construction.
 */
@Component
public class HlsFiles {

    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]+)\"");
    private static final long POLL_MILLIS = 50;

    private final HlsMuxers muxers;
    private final HlsProperties settings;

    public HlsFiles(HlsMuxers muxers, HlsProperties settings) {
        this.muxers = muxers;
        this.settings = settings;
    }

    /**
     * The camera's live playlist, waiting up to the first-playlist wait for a starting muxer when
     * {@code worthWaiting} (the camera streams).
     * With a query token, every URI in it carries the token so that native players keep it.
     */
    public Optional<String> playlist(String cameraId, String queryToken, boolean worthWaiting) throws IOException {
        Path file = muxers.directory(cameraId).resolve(HlsMuxer.PLAYLIST);
        long deadline = System.nanoTime() + (worthWaiting ? settings.getFirstPlaylistWait().toNanos() : 0);
        while (true) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains("#EXTINF")) {
                    text = muxers.onCaptureClock(cameraId, text);
                    return Optional.of(queryToken == null ? text : withToken(text, queryToken));
                }
            } catch (FileSystemException e) {
                // not written yet, or the directory is unusable now (its muxer reports why)
            }
            if (System.nanoTime() > deadline || !muxers.isRunning(cameraId)) {
                return Optional.empty();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    static String withToken(String playlist, String token) {
        String suffix = "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(playlist.length() + 256);
        for (String line : playlist.split("\n", -1)) {
            if (line.isEmpty()) {
                out.append('\n');
                continue;
            }
            if (line.startsWith("#")) {
                out.append(URI_ATTRIBUTE.matcher(line).replaceAll(m -> "URI=\"" + m.group(1) + suffix + "\""));
            } else {
                out.append(line.strip()).append(suffix);
            }
            out.append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** A segment's bytes, or empty when the name is not ours or the file is gone. */
    public Optional<byte[]> segment(String cameraId, String name) throws IOException {
        if (!SegmentNames.isServable(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(muxers.directory(cameraId).resolve(name)));
        } catch (FileSystemException e) {
            return Optional.empty(); // gone, or the directory is unusable now
        }
    }
}
