package io.lenswire.ingest.rtsp;

import java.io.IOException;

/**
 * The camera's stream is one this reader does not handle (audio, a codec other than H.264/H.265,
 * B-frames, a redirect): the caller reads this camera with libavformat instead.
 */
public final class UnsupportedStreamException extends IOException {
    public UnsupportedStreamException(String message) {
        super(message);
    }
}
