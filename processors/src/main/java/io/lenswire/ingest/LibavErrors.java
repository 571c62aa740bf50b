package io.lenswire.ingest;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** FFmpeg error codes as people read them: FFmpeg's message and the code. */
public final class LibavErrors {

    private LibavErrors() {
    }

    /** E.g. "Connection refused (-111)". */
    public static String text(int code) {
        byte[] buffer = new byte[256];
        av_strerror(code, buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
