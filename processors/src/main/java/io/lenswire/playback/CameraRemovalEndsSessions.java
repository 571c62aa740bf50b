package io.lenswire.playback;

import org.springframework.stereotype.Component;

import io.lenswire.camera.CameraLifecycleListener;

/** A removed camera's sessions end with it, so a camera later added under the same id starts clean. */
@Component
public class CameraRemovalEndsSessions implements CameraLifecycleListener {

    private final PlaybackSessions sessions;

    public CameraRemovalEndsSessions(PlaybackSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void cameraRemoving(String cameraId) {
        sessions.endAllOf(cameraId);
    }
}
