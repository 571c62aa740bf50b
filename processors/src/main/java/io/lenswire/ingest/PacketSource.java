package io.lenswire.ingest;

import java.io.IOException;

/**
 * One connection to a camera. Opened, read and closed by the camera's ingest thread only;
 * {@link #abort()} is the one call another thread may make, to unblock it.
 */
public interface PacketSource extends AutoCloseable {

    /** The start of a refusal of an address by policy (not a network failure); the API shows this part only. */
    String NOT_ALLOWED = "the camera address is not allowed";

    /** Connects and probes the stream; blocks at most the connect timeout. */
    StreamInfo open() throws IOException;

    /** Next packet of the video or audio stream; null at the end of a finite stream. */
    EncodedPacket read() throws IOException;

    /** Makes a blocked {@link #open()} or {@link #read()} return soon with an error. Any thread. */
    void abort();

    /** Who reads the stream ({@code libavformat} or {@code lenswire}), for the log. */
    default String reader() {
        return "libavformat";
    }

    /** Frees every native resource. Idempotent. */
    @Override
    void close();
}
