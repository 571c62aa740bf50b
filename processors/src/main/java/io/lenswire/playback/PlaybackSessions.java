package io.lenswire.playback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;

/**
 * The playback sessions of this node, in memory: create, start, extend, end, and a sweeper thread
 * that removes expired sessions. Sessions do not survive a restart (their tokens may, but a token
 * without its session gets 404).
 *
 * <p>Thread-safety: all methods may be called from any thread. Reads ({@link #find},
 * {@link #live}, {@link #hasLiveSession}) take no lock; a change that fires a
 * {@link PlaybackSessionListener} event takes its camera's lock, held while the change is made and
 * announced, so that one camera's events keep one order (see the listener's contract). It is a
 * lock per camera, not one for all: a listener may wait for that camera's muxer to stop (up to its
 * stop timeout), and with one global lock every other camera's session starts waited too. The HLS
 * hot path ({@link #recordRequest} on a PLAYING session) fires no event and takes no lock.
 */
@Component
public class PlaybackSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybackSessions.class);
    private static final String SWEEPER_THREAD = "playback-session-sweeper";

    private final Duration ttl;
    /** Absolute: no refresh moves a session's expiry past createdAt + this. */
    private final Duration maxLifetime;
    private final int maxSessions;
    private final Clock clock;
    private final Supplier<List<PlaybackSessionListener>> listeners;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /**
     * One lock per camera with a session change under way, held while a change that fires an
     * event is made and announced; an entry lives only while someone holds or waits for it.
     */
    private final Map<String, CameraLock> cameraLocks = new ConcurrentHashMap<>();
    /** Held while checking room and adding, so that the bound is never overshot. */
    private final Object creation = new Object();
    private final ScheduledExecutorService sweeper;
    /** The cluster's shared sessions; null on a single node. */
    private final SharedSessions shared;
    /** In a cluster: when each session known here was last read from {@link #shared} (System.nanoTime). */
    private final Map<String, Long> readAt = new ConcurrentHashMap<>();

    @Autowired
    public PlaybackSessions(LenswireProperties properties, ObjectProvider<PlaybackSessionListener> listeners,
                            ObjectProvider<SharedSessions> shared) {
        // looked up at each event, so that a listener bean may itself depend on this one
        this(properties.getPlayback(), Clock.systemUTC(), () -> listeners.orderedStream().toList(), shared.getIfAvailable());
    }

    PlaybackSessions(LenswireProperties.Playback config, Clock clock, Supplier<List<PlaybackSessionListener>> listeners) {
        this(config, clock, listeners, null);
    }

    PlaybackSessions(LenswireProperties.Playback config, Clock clock, Supplier<List<PlaybackSessionListener>> listeners,
                     SharedSessions shared) {
        this.shared = shared;
        this.ttl = config.getTokenTtl();
        this.maxLifetime = config.getMaxSessionLifetime();
        this.maxSessions = config.getMaxSessions();
        Duration sweepInterval = config.getSessionSweepInterval();
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("lenswire.playback.token-ttl must be at least 1s");
        }
        if (maxLifetime == null || maxLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("lenswire.playback.max-session-lifetime must be at least 1s");
        }
        if (sweepInterval == null || sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalStateException("lenswire.playback.session-sweep-interval must be positive");
        }
        if (maxSessions < 1) {
            throw new IllegalStateException("lenswire.playback.max-sessions must be at least 1");
        }
        this.clock = clock;
        this.listeners = listeners;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, SWEEPER_THREAD);
            t.setDaemon(true);
            return t;
        });
        long millis = sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    public Duration tokenTtl() {
        return ttl;
    }

    /**
     * A new CREATED session expiring after the token TTL (or its maximum lifetime, if shorter), with
     * a first token id; empty when {@code max-sessions} live sessions exist.
     */
    public Optional<Session> create(String cameraId, String userId) {
        synchronized (creation) {
            if (sessions.size() >= maxSessions) {
                sweep(); // expired sessions the sweeper has not reached yet must not hold the room
                if (sessions.size() >= maxSessions) {
                    return Optional.empty();
                }
            }
            Instant now = now();
            Session session;
            do {
                session = new Session(SessionIds.next(), cameraId, userId, now, expiryFrom(now, now), Session.State.CREATED, null,
                        PlaybackTokens.newTokenId());
            } while (sessions.putIfAbsent(session.id(), session) != null);
            share(session);
            return Optional.of(session);
        }
    }

    /** The session if it exists and is live; an expired one not yet swept is already absent here. */
    public Optional<Session> find(String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Session session = current(sessionId);
        return session != null && session.isLive(now()) ? Optional.of(session) : Optional.empty();
    }

    /**
     * {@link #find}, but in a cluster read from the shared store first: a token newer than this
     * node's copy (refreshed through another node) must not be refused as replaced.
     */
    public Optional<Session> findFresh(String sessionId) {
        if (shared == null || sessionId == null) {
            return find(sessionId);
        }
        Session session = reread(sessionId);
        return session != null && session.isLive(now()) ? Optional.of(session) : Optional.empty();
    }

    /** Marks the session PLAYING; idempotent. The first call fires {@code sessionStarted}. */
    public Optional<Session> start(String sessionId) {
        return play(sessionId, false);
    }

    /** An authorized HLS request: sets {@code lastRequestAt}, and starts the session on its first use. */
    public Optional<Session> recordRequest(String sessionId) {
        return play(sessionId, true);
    }

    /** {@link #refresh} by a caller with the API key, who may refresh whatever token the session has. */
    public Optional<Session> extend(String sessionId) {
        return refresh(sessionId, null);
    }

    /**
     * A refresh: pushes the expiry to now + token TTL, never past the session's maximum lifetime, and
     * gives the session a new token id, so that every earlier token of it stops working. With
     * {@code presentedTokenId}, only while that is still the session's token id (of two refreshes
     * with the same token, one wins). Empty when the session is not live or the token was replaced.
     */
    public Optional<Session> refresh(String sessionId, String presentedTokenId) {
        String newTokenId = PlaybackTokens.newTokenId();
        Instant now = now();
        Optional<Session> refreshed = update(sessionId, s -> presentedTokenId == null || presentedTokenId.equals(s.tokenId())
                ? s.withToken(newTokenId, expiryFrom(s.createdAt(), now)) : null).map(Change::after);
        refreshed.ifPresent(this::share);
        return refreshed;
    }

    /** Ends and removes a live session; its tokens stop working at once. Empty when not live. */
    public Optional<Session> end(String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Session current = current(sessionId);
        if (current == null) {
            return Optional.empty();
        }
        Optional<Session> ended = endHere(current);
        if (shared != null) {
            shared.delete(sessionId);
        }
        return ended;
    }

    /** Removes the session from this node and tells the listeners; empty when it was not live. */
    private Optional<Session> endHere(Session current) {
        return underCameraLock(current.cameraId(), () -> {
            // a session's camera never changes, so the lock taken is the one of the session removed
            Session removed = sessions.remove(current.id());
            readAt.remove(current.id());
            if (removed == null) {
                return Optional.<Session>empty();
            }
            boolean wasLive = removed.isLive(now());
            Session ended = announceEnd(removed);
            return wasLive ? Optional.of(ended) : Optional.<Session>empty();
        });
    }

    /** Ends every session of a camera (it is being removed). */
    public void endAllOf(String cameraId) {
        for (Session s : sessions.values()) {
            if (s.cameraId().equals(cameraId)) {
                end(s.id());
            }
        }
    }

    /** Live sessions, oldest first. */
    public List<Session> live() {
        Instant now = now();
        return sessions.values().stream()
                .filter(s -> s.isLive(now))
                .sorted(Comparator.comparing(Session::createdAt).thenComparing(Session::id))
                .toList();
    }

    /** True while a live session (CREATED or PLAYING, not expired) exists for the camera. */
    public boolean hasLiveSession(String cameraId) {
        Instant now = now();
        for (Session s : sessions.values()) {
            if (s.cameraId().equals(cameraId) && s.isLive(now)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every expired session and tells the listeners; returns how many were removed. */
    public int sweep() {
        Instant now = now();
        int removed = 0;
        for (Session s : sessions.values()) {
            if (!s.isLive(now) && underCameraLock(s.cameraId(), () -> {
                if (sessions.remove(s.id(), s)) {
                    readAt.remove(s.id());
                    announceEnd(s);
                    return true;
                }
                return false;
            })) {
                removed++;
            }
        }
        if (shared != null) {
            shared.deleteExpired(now);
        }
        return removed;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweepQuietly() {
        try {
            int n = sweep();
            if (n > 0) {
                LOG.debug("swept {} expired playback sessions", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("playback session sweep failed; retrying at the next interval", e);
        }
    }

    private Optional<Session> play(String sessionId, boolean request) {
        Session current = sessionId == null ? null : current(sessionId);
        if (current == null) {
            return Optional.empty();
        }
        if (current.state() == Session.State.PLAYING) {
            Instant now = now();
            if (!request || now.equals(current.lastRequestAt())) {
                return find(sessionId); // nothing to record within the same second: no new snapshot per segment
            }
            return update(sessionId, s -> s.withLastRequestAt(now)).map(Change::after);
        }
        return underCameraLock(current.cameraId(), () -> {
            Optional<Change> change = update(sessionId, s -> {
                Session playing = s.withState(Session.State.PLAYING);
                return request ? playing.withLastRequestAt(now()) : playing;
            });
            change.filter(c -> c.before().state() == Session.State.CREATED)
                    .ifPresent(c -> {
                        share(c.after());
                        notify(c.after(), true);
                    });
            return change.map(Change::after);
        });
    }

    /**
     * Runs {@code action} holding the camera's lock. The entry is counted by its users (changed
     * only inside {@code compute}, atomic per key) and removed by the last one, so the map holds
     * only cameras with a change under way, however many camera ids come and go.
     */
    private <T> T underCameraLock(String cameraId, Supplier<T> action) {
        CameraLock lock = cameraLocks.compute(cameraId, (id, l) -> {
            CameraLock held = l == null ? new CameraLock() : l;
            held.users++;
            return held;
        });
        try {
            synchronized (lock) {
                return action.get();
            }
        } finally {
            cameraLocks.computeIfPresent(cameraId, (id, l) -> --l.users == 0 ? null : l);
        }
    }

    /** Guarded by {@link #cameraLocks}' per-key atomicity. */
    private static final class CameraLock {
        int users;
    }

    /**
     * Applies a change to a live session atomically; empty when the session is absent or not live,
     * or when the change declines (returns null; the session is then left as it is).
     */
    private Optional<Change> update(String sessionId, UnaryOperator<Session> change) {
        current(sessionId); // in a cluster: the shared copy, if this node has none or an old one
        Instant now = now();
        Session[] before = new Session[1];
        Session after = sessions.computeIfPresent(sessionId, (id, s) -> {
            if (!s.isLive(now)) {
                return s;
            }
            Session changed = change.apply(s);
            if (changed == null) {
                return s;
            }
            before[0] = s;
            return changed;
        });
        return before[0] == null ? Optional.empty() : Optional.of(new Change(before[0], after));
    }

    /** Call holding the session's camera lock, after removing the session from the map. */
    private Session announceEnd(Session removed) {
        Session ended = removed.withState(Session.State.ENDED);
        if (removed.state() == Session.State.PLAYING) {
            notify(ended, false);
        }
        return ended;
    }

    private void notify(Session session, boolean started) {
        for (PlaybackSessionListener listener : listeners.get()) {
            try {
                if (started) {
                    listener.sessionStarted(session);
                } else {
                    listener.sessionEnded(session);
                }
            } catch (RuntimeException e) {
                LOG.warn("camera {}: playback listener {} failed on session {}", session.cameraId(),
                        listener.getClass().getSimpleName(), started ? "start" : "end", e);
            }
        }
    }

    /** How long a session read from the shared store is used before it is read again. */
    static final long REREAD_NANOS = Duration.ofSeconds(2).toNanos();

    /**
     * This node's copy of a session; in a cluster first read from the shared store when this node
     * has none, or read it more than {@link #REREAD_NANOS} ago (another node may have refreshed or
     * ended it). The HLS hot path thus reads the store once per session every 2 s at most.
     */
    private Session current(String sessionId) {
        Session local = sessions.get(sessionId);
        if (shared == null) {
            return local;
        }
        Long at = readAt.get(sessionId);
        if (local != null && at != null && System.nanoTime() - at < REREAD_NANOS) {
            return local;
        }
        return reread(sessionId);
    }

    /**
     * Makes this node's copy agree with the shared store: the stored expiry, state and token id
     * win, this node's {@code lastRequestAt} stays; a session the store no longer has live ends
     * here too. A store that cannot be read leaves the copy as it is (logged).
     */
    private Session reread(String sessionId) {
        Optional<Session> row;
        try {
            row = shared.load(sessionId);
        } catch (RuntimeException e) {
            LOG.warn("playback session {}: the shared store cannot be read, using this node's copy: {}", sessionId, e.toString());
            return sessions.get(sessionId);
        }
        if (row.isEmpty() || !row.get().isLive(now())) {
            Session local = sessions.get(sessionId);
            if (local != null) {
                endHere(local);
            }
            readAt.remove(sessionId);
            return null;
        }
        Session stored = row.get();
        Session merged = sessions.compute(sessionId, (id, mine) -> mine == null ? stored
                : new Session(id, stored.cameraId(), stored.userId(), stored.createdAt(), stored.expiresAt(),
                        mine.state() == Session.State.PLAYING ? Session.State.PLAYING : stored.state(),
                        mine.lastRequestAt(), stored.tokenId()));
        readAt.put(sessionId, System.nanoTime());
        return merged;
    }

    private void share(Session session) {
        if (shared != null) {
            shared.save(session);
            readAt.put(session.id(), System.nanoTime());
        }
    }

    /** now + TTL, capped at the session's absolute end. */
    private Instant expiryFrom(Instant createdAt, Instant now) {
        Instant byTtl = now.plus(ttl);
        Instant hardEnd = createdAt.plus(maxLifetime);
        return byTtl.isBefore(hardEnd) ? byTtl : hardEnd;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private record Change(Session before, Session after) {
    }
}
