package io.lenswire.hls;

/** Whether anyone still holds a live playback session for a camera (sessions live elsewhere). */
@FunctionalInterface
public interface ViewerPresence {

    boolean hasLiveSession(String cameraId);
}
