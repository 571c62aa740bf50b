package io.lenswire.analytics;

/** A model file that is missing, has the wrong checksum or cannot be loaded: analytics cannot start. */
public class ModelException extends RuntimeException {

    private final boolean missing;

    public ModelException(String message) {
        this(message, false);
    }

    /** {@code missing}: the file is simply not there (as on a server that does not use analytics). */
    public ModelException(String message, boolean missing) {
        super(message);
        this.missing = missing;
    }

    public boolean missing() {
        return missing;
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
        this.missing = false;
    }
}
