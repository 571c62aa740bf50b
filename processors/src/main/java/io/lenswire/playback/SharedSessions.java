package io.lenswire.playback;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a cluster's nodes share their playback sessions, so that a session made on one node
 * authorizes HLS on whichever node reads its camera. {@link PlaybackSessions} writes every change
 * but the per-request {@code lastRequestAt} through to it, and reads a session from it when the
 * session is not known here or was last read more than a moment ago. Absent on a single node.
 */
public interface SharedSessions {

    void save(Session session);

    Optional<Session> load(String sessionId);

    void delete(String sessionId);

    /** Removes every session that expired before {@code now}. */
    void deleteExpired(Instant now);
}
