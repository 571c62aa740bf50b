package io.lenswire.analytics;

/** A model file that is missing, has the wrong checksum or cannot be loaded: analytics cannot start. */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
