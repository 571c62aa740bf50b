package io.lenswire.ingest;

/** Opens packet sources; the one public way to get a {@link PacketSource} outside the component. */
public final class PacketSources {

    private PacketSources() {
    }

    /** A libavformat source for {@code url}; call {@link PacketSource#open()} next. */
    public static PacketSource open(String cameraId, String url, SourceOptions options, long generation,
                                    SourceInterrupts interrupts) {
        return new LibavPacketSource(cameraId, url, options, generation, interrupts);
    }
}
