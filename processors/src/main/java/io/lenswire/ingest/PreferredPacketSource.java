package io.lenswire.ingest;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.lenswire.ingest.rtsp.UnsupportedStreamException;

/**
 * Lenswire's own RTSP reader first; libavformat for a stream it does not take. Still one
 * connection at a time: the preferred source is closed before the fallback connects.
 *
 * <p>Thread-safety: one owner thread; {@link #abort()} from any.
 */
final class PreferredPacketSource implements PacketSource {

    private final PacketSource preferred;
    private final Supplier<PacketSource> fallback;
    private final Consumer<String> unsuited;
    private volatile PacketSource active;
    private volatile boolean aborted;

    /** @param unsuited told why the preferred reader cannot read this camera (it is not tried again for it) */
    PreferredPacketSource(PacketSource preferred, Supplier<PacketSource> fallback, Consumer<String> unsuited) {
        this.preferred = preferred;
        this.fallback = fallback;
        this.unsuited = unsuited;
        this.active = preferred;
    }

    @Override
    public StreamInfo open() throws IOException {
        try {
            return preferred.open();
        } catch (UnsupportedStreamException e) {
            preferred.close();
            unsuited.accept(e.getMessage());
            PacketSource next = fallback.get();
            active = next;
            if (aborted) {
                next.abort(); // abort() came while switching
            }
            return next.open();
        }
    }

    @Override
    public EncodedPacket read() throws IOException {
        try {
            return active.read();
        } catch (UnsupportedStreamException e) {
            // found only while streaming (B-frames): the next connection uses libavformat
            unsuited.accept(e.getMessage());
            throw new IOException("reconnecting with libavformat: " + e.getMessage());
        }
    }

    @Override
    public String reader() {
        return active.reader();
    }

    @Override
    public void abort() {
        aborted = true;
        active.abort();
    }

    @Override
    public void close() {
        aborted = true;
        preferred.close();
        PacketSource a = active;
        if (a != preferred) {
            a.close();
        }
    }
}
