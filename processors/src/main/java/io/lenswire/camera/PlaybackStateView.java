package io.lenswire.camera;

import java.util.Map;
import java.util.Optional;

import io.lenswire.ingest.StreamInfo;

/**
 * What the camera API reports about a camera's HLS output (hls_state, hls_error, audio_in_hls,
 * health), asked of whoever writes HLS: the camera package owns this view so that it does not
 * depend on the HLS package, which depends on it.
 */
public interface PlaybackStateView {

    /** {@code stopped}, {@code running}, or {@code failing} (its output cannot be written now). */
    String state(String cameraId);

    /** Why the camera's HLS output cannot be written now; empty while it works or is stopped. */
    Optional<String> failure(String cameraId);

    /** The reason of every camera whose HLS output fails now, by camera id. */
    Map<String, String> failures();

    /** Whether HLS carries this camera audio (other audio is dropped, and reported). */
    boolean carriesAudio(StreamInfo.AudioInfo audio);
}
