package io.lenswire.camera;

/**
 * Told when a camera starts and stops running on this node and when it goes away, so that branches
 * holding per-camera resources can create them after the camera's routes exist and free them before
 * those routes are removed. In a cluster a camera may stop here and go on running on another node:
 * {@link #cameraStopping} frees what this node held, {@link #cameraRemoving} what the camera held
 * anywhere (its sessions, for example).
 */
public interface CameraLifecycleListener {

    /** Called after the camera's ingest route has been added here (at start-up, over REST, or on taking it over). */
    default void cameraStarted(Camera camera) {
    }

    /** Called before the camera's ingest route here is removed (the camera is removed or runs elsewhere now). */
    default void cameraStopping(String cameraId) {
    }

    /** Called when the camera is removed, before it stops. */
    default void cameraRemoving(String cameraId) {
    }
}
