package io.lenswire.ingest;

import org.apache.camel.spi.Metadata;

/** Headers set by the javacv consumer on every exchange. The body is a {@link PacketBatch}. */
public final class JavacvConstants {

    @Metadata(description = "The camera the packet came from", javaType = "String")
    public static final String CAMERA_ID = "CamelJavacvCameraId";

    private JavacvConstants() {
    }
}
