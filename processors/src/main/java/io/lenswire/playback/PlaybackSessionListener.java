package io.lenswire.playback;

/**
 * Told when a playback session starts and ends; the HLS muxer side implements it as a Spring bean
 * (every bean of this type is called) to start a camera's muxer and to stop it when idle.
 *
 * <p>Contract: {@code sessionStarted} is called once per session, on {@code POST .../start} or on
 * its first authorized HLS request, whichever comes first. {@code sessionEnded} is called once for
 * every started session, when it is deleted or swept after expiry; a session that never started
 * ends silently. Events are delivered synchronously on the thread that caused them:
 * {@code sessionStarted} has returned before the HLS request that triggered it goes on. The events
 * of one camera come one at a time in one order (so per-camera counting is safe: a start and an end
 * for the same camera are never reordered); events of different cameras may come concurrently, and
 * a listener that is slow for one camera delays only that camera's session changes. Return quickly
 * and hand slow work to another thread; reading {@link PlaybackSessions} from a listener is fine,
 * changing sessions is not.
 * An exception is logged and does not stop the other listeners.
 */
public interface PlaybackSessionListener {

    void sessionStarted(Session session);

    /** {@code session.state()} is {@code ENDED}. */
    void sessionEnded(Session session);
}
