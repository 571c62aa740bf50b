package io.lenswire.ingest;

/** Life of one camera connection, as shown in the status API and the metrics. */
public enum CameraState {
    /** First connection attempt under way. */
    STARTING,
    /** Packets are flowing. */
    STREAMING,
    /** The connection was lost or refused; retrying with backoff. */
    RECONNECTING,
    /** Several attempts in a row failed; retries go on at the capped backoff. */
    FAILED,
    /** The camera's route is stopped. */
    STOPPED;

    /** Numeric value for the state gauge (Prometheus has no string gauges). */
    public int gaugeValue() {
        return ordinal();
    }
}
