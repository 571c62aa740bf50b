package io.lenswire.camera;

/** Told when a camera goes away, so branches holding per-camera resources can free them first. */
public interface CameraLifecycleListener {

    /** Called before the camera's ingest route is removed. */
    void cameraRemoving(String cameraId);
}
