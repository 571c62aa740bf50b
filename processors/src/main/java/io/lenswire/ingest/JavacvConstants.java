package io.lenswire.ingest;

import org.apache.camel.spi.Metadata;

/** Headers set by the javacv consumer on every exchange. The body is an {@link EncodedPacket}. */
public final class JavacvConstants {

    @Metadata(description = "The camera the packet came from", javaType = "String")
    public static final String CAMERA_ID = "CamelJavacvCameraId";
    @Metadata(description = "True for a video key frame", javaType = "Boolean")
    public static final String KEY_FRAME = "CamelJavacvKeyFrame";

    private JavacvConstants() {
    }
}
