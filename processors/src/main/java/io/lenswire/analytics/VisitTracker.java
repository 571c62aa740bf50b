package io.lenswire.analytics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Follows faces from one analysed frame to the next (box overlap) so that a name is decided over
 * several frames of one visit, not from one frame: a track is labelled with a person only when at
 * least {@code votes} of its last {@code window} usable frames matched that person; otherwise it is
 * unknown. Frames where the face was unfit for recognition neither vote nor erase earlier votes.
 *
 * <p>Not thread-safe: one per camera, used by the camera's analytics thread.
 */
final class VisitTracker {

    /** Minimum box overlap for a face to continue a track. */
    static final double MIN_IOU = 0.3;
    /** A track not seen in this many analysed frames is over (the visit ended). */
    static final int MAX_MISSED_FRAMES = 10;
    /** Box overlap with the previous frame above which a track counts as still (see {@link #needsRecognition}). */
    static final double STABLE_IOU = 0.6;
    /** A vote for nobody. */
    static final long UNKNOWN = -1;
    private static final long NOT_ANNOUNCED = -2;

    private final int votes;
    private final int window;
    private final List<Track> tracks = new ArrayList<>();
    private long frameNumber;

    /** One face followed across frames. */
    static final class Track {
        DetectedFace last;
        long lastSeen;
        final Deque<Long> ballot = new ArrayDeque<>();
        /** Analysed frames the face was seen in. */
        int frames;
        /** The decision last announced for this visit ({@link #NOT_ANNOUNCED} before the first). */
        long announced = NOT_ANNOUNCED;
        /** Box overlap with the track's previous frame (0 for a new track). */
        double motionIou;
        /** Analysed frames since the face was last recognized (embedded and compared). */
        int sinceRecognized;
        /** The face's latest snapshot (null before its first announcement), and the frame it is on. */
        byte[] faceJpeg;
        byte[] frameJpeg;
        /** {@link System#nanoTime()} when the snapshot was taken. */
        long snapshotNanos;
    }

    VisitTracker(int votes, int window) {
        this.window = Math.max(1, window);
        this.votes = Math.max(1, Math.min(votes, this.window));
    }

    /** Assigns each face of the new frame to a track (in order), creating tracks for new faces. */
    List<Track> next(List<DetectedFace> faces) {
        frameNumber++;
        List<Track> assigned = new ArrayList<>(faces.size());
        List<Track> free = new ArrayList<>(tracks);
        for (DetectedFace face : faces) {
            Track best = null;
            double bestIou = MIN_IOU;
            for (Track t : free) {
                double iou = t.last.iou(face);
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = t;
                }
            }
            if (best == null) {
                best = new Track();
                tracks.add(best);
                best.motionIou = 0;
            } else {
                free.remove(best);
                best.motionIou = bestIou;
            }
            best.last = face;
            best.lastSeen = frameNumber;
            best.frames++;
            assigned.add(best);
        }
        for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
            if (frameNumber - it.next().lastSeen > MAX_MISSED_FRAMES) {
                it.remove();
            }
        }
        return assigned;
    }

    /** Records this frame's opinion of a track: a person id or {@link #UNKNOWN}. */
    void vote(Track track, long personId) {
        track.ballot.addLast(personId);
        while (track.ballot.size() > window) {
            track.ballot.removeFirst();
        }
    }

    /** The person the track's recent frames agree on, or {@link #UNKNOWN}. */
    long decision(Track track) {
        Map<Long, Integer> counts = new HashMap<>();
        for (long id : track.ballot) {
            if (id != UNKNOWN) {
                counts.merge(id, 1, Integer::sum);
            }
        }
        long winner = UNKNOWN;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (e.getValue() >= votes) {
                winner = e.getKey();
            }
        }
        return winner;
    }

    /**
     * Whether the face of this frame needs recognizing, given that a stable track is recognized only
     * every {@code everyN} analysed frames. Stable: a full decision window whose votes all agree
     * (on a person or on unknown), and a box that overlaps its previous one by at least
     * {@link #STABLE_IOU} (the face did not jump; a new face in the same place would). Counts the
     * frame either way.
     */
    boolean needsRecognition(Track track, int everyN) {
        boolean stable = everyN > 1 && track.ballot.size() >= window && track.motionIou >= STABLE_IOU
                && track.ballot.stream().distinct().count() == 1;
        if (!stable || track.sinceRecognized + 1 >= everyN) {
            track.sinceRecognized = 0;
            return true;
        }
        track.sinceRecognized++;
        return false;
    }

    /** The visit has been seen in a whole decision window: an unknown decision is final enough to report. */
    boolean settled(Track track) {
        return track.frames >= window;
    }

    /**
     * True once per change of a visit's decision worth telling: the first time it names a person
     * (or another person), and the first time it is settled as unknown. Events use it to take one
     * snapshot per visit instead of one per frame.
     */
    boolean announce(Track track, long decision) {
        if (decision == track.announced || (decision == UNKNOWN && !settled(track))) {
            return false;
        }
        track.announced = decision;
        return true;
    }

    int activeTracks() {
        return tracks.size();
    }

    void clear() {
        tracks.clear();
    }
}
