package io.lenswire.camera;

/**
 * Told when a camera starts and when it goes away, so that branches holding per-camera resources
 * can create them after the camera's routes exist and free them before those routes are removed.
 */
public interface CameraLifecycleListener {

    /** Called after the camera's ingest route has been added (at start-up or over REST). */
    default void cameraStarted(Camera camera) {
    }

    /** Called before the camera's ingest route is removed. */
    void cameraRemoving(String cameraId);
}
