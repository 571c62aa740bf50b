package io.lenswire.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lenswire.ingest.EncodedPacket;
import io.lenswire.ingest.StreamInfo;
import io.micrometer.core.instrument.Timer;

/**
 * The analytics pipeline of one camera: decode (every packet, since later frames reference earlier
 * ones) → every Nth frame, at most max-fps → downscale → YuNet → recognizer → visit decision →
 * {@link FaceEvent}. A face whose track is stable (see {@link VisitTracker#needsRecognition}) is
 * recognized only every {@code recognize-every-n-frames} analysed frames; in between it keeps its
 * visit's decision and its event has no similarity (nothing was compared in that frame).
 *
 * <p>Never holds ingest back: it runs on its own branch thread behind a bounded queue, and a packet
 * that waited longer than max-lag is dropped together with everything after it up to the next key
 * frame that arrives in time (drop and resync), so the branch catches up with live video instead
 * of analysing the past. Drops are counted.
 *
 * <p>Thread-safety: one owner thread (the camera's analytics route consumer) calls {@link #process};
 * {@link #close()} is called after that route has stopped, and is synchronized with {@link #process}
 * so that even a forced stop never frees native memory under a running decode. Owns the decoder and
 * the detector.
 */
final class CameraAnalytics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CameraAnalytics.class);
    /** Two faces whose best matches are this close are not told apart: the answer is unknown. */
    static final double AMBIGUITY_MARGIN = 0.02;
    /** How old an announced face's snapshot may get before it is taken again (a few ms every few seconds). */
    static final long SNAPSHOT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String cameraId;
    private final AnalyticsProperties settings;
    private final AnalyticsEngine engine;
    private final FrameDecoder decoder;
    private final FaceDetector detector;
    private final VisitTracker tracker;
    private final AnalyticsStats stats;
    private final Timer decodeTimer;
    private final Timer detectTimer;
    private final Timer recognizeTimer;
    private final long maxLagNanos;
    private final long minIntervalNanos;
    private final long testDelayMillis;
    private final int recognizeEveryN;

    private boolean waitForKeyFrame = true;
    private boolean lagging;
    private long frameCounter;
    private long lastAnalysedNanos = Long.MIN_VALUE;
    private long currentPacketNanos;
    private long currentDecodeNanos;
    private FaceEvent lastEvent;
    private boolean closed;

    CameraAnalytics(String cameraId, AnalyticsProperties settings, AnalyticsEngine engine, AnalyticsStats stats,
                    Timer decodeTimer, Timer detectTimer, Timer recognizeTimer) {
        this.cameraId = cameraId;
        this.settings = settings;
        this.engine = engine;
        this.stats = stats;
        this.decodeTimer = decodeTimer;
        this.detectTimer = detectTimer;
        this.recognizeTimer = recognizeTimer;
        this.maxLagNanos = settings.getMaxLag().toNanos();
        this.minIntervalNanos = settings.getMaxFps() > 0 ? (long) (1e9 / settings.getMaxFps()) : 0;
        this.testDelayMillis = settings.getTestDelayPerFrame().toMillis();
        this.recognizeEveryN = Math.max(1, settings.getRecognition().getRecognizeEveryNFrames());
        this.tracker = new VisitTracker(settings.getRecognition().getDecisionVotes(), settings.getRecognition().getDecisionWindow());
        this.detector = engine.newDetector();
        this.decoder = new FrameDecoder(cameraId, settings.getDecoderThreads());
    }

    AnalyticsStats stats() {
        return stats;
    }

    /** Handles one packet of the camera; returns the frame's event when it was analysed and had faces. */
    synchronized FaceEvent process(EncodedPacket p) throws Exception {
        if (closed || !p.video()) {
            return null;
        }
        if (decoder.stream() != p.stream()) {
            if (!p.isVideoKeyFrame()) {
                return null; // a new connection: wait for its first key frame
            }
            openFor(p.stream());
        }
        long age = System.nanoTime() - p.receivedNanos();
        if (age > maxLagNanos) {
            if (!lagging) {
                LOG.debug("camera {}: analytics {} ms behind live; dropping to the next key frame", cameraId, age / 1_000_000);
            }
            lagging = true;
            waitForKeyFrame = true;
            stats.dropped();
            return null;
        }
        if (waitForKeyFrame) {
            if (!p.isVideoKeyFrame()) {
                if (lagging) {
                    stats.dropped();
                }
                return null;
            }
            if (lagging) {
                decoder.flush();
            }
            waitForKeyFrame = false;
            lagging = false;
        }
        lastEvent = null;
        currentPacketNanos = p.receivedNanos();
        long start = System.nanoTime();
        boolean ok = decoder.decode(p, d -> onFrame(d, start));
        if (!ok) {
            stats.decodeError();
            waitForKeyFrame = true;
            decoder.flush();
        }
        return lastEvent;
    }

    private void openFor(StreamInfo info) {
        decoder.open(info);
        tracker.clear();
        waitForKeyFrame = true;
        frameCounter = 0;
        LOG.info("camera {}: analytics decoding {} {}x{}, every {} frame(s){}", cameraId, info.codec(), info.width(), info.height(),
                settings.getProcessEveryNFrames(), settings.getMaxFps() > 0 ? ", at most " + settings.getMaxFps() + " fps" : "");
    }

    private void onFrame(FrameDecoder d, long decodeStart) throws Exception {
        long decoded = System.nanoTime();
        currentDecodeNanos = decoded - decodeStart;
        decodeTimer.record(currentDecodeNanos, TimeUnit.NANOSECONDS);
        frameCounter++;
        if ((frameCounter - 1) % Math.max(1, settings.getProcessEveryNFrames()) != 0) {
            return;
        }
        if (minIntervalNanos > 0 && lastAnalysedNanos != Long.MIN_VALUE && decoded - lastAnalysedNanos < minIntervalNanos) {
            return;
        }
        lastAnalysedNanos = decoded;
        lastEvent = analyse(d);
    }

    private FaceEvent analyse(FrameDecoder d) throws InterruptedException {
        long t0 = System.nanoTime();
        Mat small = d.detectorImage(settings.getDetector().getInputWidth());
        double sx = d.width() / (double) small.cols();
        double sy = d.height() / (double) small.rows();
        List<DetectedFace> found = new ArrayList<>();
        for (DetectedFace f : detector.detect(small)) {
            found.add(f.scaled(sx, sy));
        }
        long t1 = System.nanoTime();
        detectTimer.record(t1 - t0, TimeUnit.NANOSECONDS);

        List<FaceEvent.Face> faces = new ArrayList<>(found.size());
        int recognized = 0;
        if (!found.isEmpty()) {
            FaceRecognizer recognizer = engine.recognizer();
            Gallery gallery = engine.gallery();
            List<VisitTracker.Track> tracks = tracker.next(found);
            FaceImage image = d.fullImage();
            Long[] personIds = new Long[found.size()];
            String[] names = new String[found.size()];
            Double[] similarities = new Double[found.size()];
            List<VisitTracker.Track> toSnapshot = new ArrayList<>();
            long now = System.nanoTime();
            for (int i = 0; i < found.size(); i++) {
                DetectedFace f = found.get(i);
                VisitTracker.Track track = tracks.get(i);
                Double similarity = null;
                Gallery.Match match = null;
                boolean recognize = !gallery.people().isEmpty() && tracker.needsRecognition(track, recognizeEveryN);
                if (!gallery.people().isEmpty() && !recognize) {
                    stats.recognitionSkipped();
                }
                if (recognize) {
                    stats.faceEmbedded();
                    FaceRecognizer.Template t = recognizer.embed(image, f);
                    if (t.usable()) {
                        Optional<Gallery.Match> m = gallery.best(recognizer, t.vector());
                        if (m.isPresent()) {
                            match = m.get();
                            similarity = match.similarity();
                            boolean accepted = match.similarity() >= recognizer.threshold()
                                    && match.similarity() - match.runnerUp() >= AMBIGUITY_MARGIN;
                            tracker.vote(track, accepted ? match.person().id() : VisitTracker.UNKNOWN);
                        }
                    }
                }
                long decided = tracker.decision(track);
                Optional<Gallery.Person> person = decided == VisitTracker.UNKNOWN ? Optional.empty() : gallery.find(decided);
                if (person.isPresent()) {
                    recognized++;
                    if (match == null || match.person().id() != decided) {
                        similarity = null; // this frame could not be compared with that person
                    }
                }
                boolean announced = tracker.announce(track, person.isPresent() ? decided : VisitTracker.UNKNOWN);
                // an alert may come later in a visit than its announcement (a cooldown ran out, an
                // analysed frame was dropped before the events route): every announced face keeps a
                // snapshot at most SNAPSHOT_MAX_AGE old, so no alert is ever without its picture
                if (announced || (track.faceJpeg != null && now - track.snapshotNanos >= SNAPSHOT_MAX_AGE_NANOS)) {
                    track.faceJpeg = SnapshotEncoder.face(image.bgr(), f);
                    track.snapshotNanos = now;
                    toSnapshot.add(track);
                }
                personIds[i] = person.map(Gallery.Person::id).orElse(null);
                names[i] = person.map(Gallery.Person::name).orElse(null);
                similarities[i] = similarity == null ? null : Math.round(similarity * 10000) / 10000.0;
            }
            if (!toSnapshot.isEmpty()) {
                byte[] frameJpeg = SnapshotEncoder.frame(image.bgr(), settings.getSnapshotWidth());
                toSnapshot.forEach(t -> t.frameJpeg = frameJpeg);
            }
            for (int i = 0; i < found.size(); i++) {
                DetectedFace f = found.get(i);
                VisitTracker.Track track = tracks.get(i);
                faces.add(new FaceEvent.Face(
                        new int[] {Math.round(f.x()), Math.round(f.y()), Math.round(f.width()), Math.round(f.height())},
                        Math.round(f.score() * 1000) / 1000.0, personIds[i], names[i], similarities[i],
                        tracker.settled(track), track.faceJpeg, track.frameJpeg));
            }
        } else {
            tracker.next(List.of());
        }
        long t2 = System.nanoTime();
        if (!found.isEmpty()) {
            recognizeTimer.record(t2 - t1, TimeUnit.NANOSECONDS);
        }
        if (testDelayMillis > 0) {
            Thread.sleep(testDelayMillis);
        }
        stats.frameProcessed(found.size(), recognized, currentDecodeNanos + (System.nanoTime() - t0));
        if (faces.isEmpty()) {
            return null;
        }
        Instant at = Instant.now().minusNanos(System.nanoTime() - currentPacketNanos);
        return new FaceEvent(cameraId, at.toString(), faces);
    }

    /** Frees the decoder and detector; waits for a packet still being processed (a forced route stop). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        decoder.close();
        detector.close();
    }
}
