package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Loads the models once at start and hands them out: a YuNet detector per camera (the network is
 * not thread-safe), one shared recognizer, the current {@link Gallery}. A missing or corrupt model
 * makes analytics unavailable with one clear error in the log and in the health output; ingest and
 * playback do not depend on it and keep working.
 */
@Component
public class AnalyticsEngine implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsEngine.class);
    /** Enrollment photos are detected with their longer side at most this many pixels. */
    static final int ENROLLMENT_DETECT_MAX_SIDE = 960;

    public enum Status { READY, UNAVAILABLE, DISABLED }

    private final AnalyticsProperties settings;
    private final Status status;
    private final String error;
    private final ModelFiles.Verified detectorModel;
    private final FaceRecognizer recognizer;
    private final FaceDetector enrollmentDetector;
    private final AtomicReference<Gallery> gallery = new AtomicReference<>(Gallery.EMPTY);

    public AnalyticsEngine(AnalyticsProperties settings) {
        this.settings = settings;
        if (!settings.isEnabled()) {
            LOG.info("face analytics disabled (lenswire.analytics.enabled=false)");
            status = Status.DISABLED;
            error = null;
            detectorModel = null;
            recognizer = null;
            enrollmentDetector = null;
            return;
        }
        ModelFiles.Verified model = null;
        FaceRecognizer rec = null;
        FaceDetector probe = null;
        String problem = null;
        try {
            model = detectorModel(settings);
            probe = new FaceDetector(model, settings.getDetector());
            LOG.info("face detection: YuNet {} (sha256 {}{})", model.source(), model.sha256(), model.checked() ? ", verified" : ", NOT checked");
            rec = createRecognizer(settings);
        } catch (ModelException e) {
            problem = e.getMessage();
            if (probe != null) {
                probe.close();
                probe = null;
            }
            // a model that is simply absent is expected on a server without analytics cameras: a
            // warning now, an error for each camera that asks for analytics; a broken one is an error
            if (e.missing()) {
                LOG.warn("FACE ANALYTICS UNAVAILABLE: {} (models dir {}). Cameras keep streaming; analytics stays off until this is fixed and the server restarted.",
                        problem, settings.getModelsDir().toAbsolutePath());
            } else {
                LOG.error("FACE ANALYTICS UNAVAILABLE: {} (models dir {}). Cameras keep streaming; analytics stays off until this is fixed and the server restarted.",
                        problem, settings.getModelsDir().toAbsolutePath());
            }
        }
        this.status = problem == null ? Status.READY : Status.UNAVAILABLE;
        this.error = problem;
        this.detectorModel = problem == null ? model : null;
        this.recognizer = rec;
        this.enrollmentDetector = probe;
    }

    /**
     * The YuNet file in the models dir when there is one; else, for the default name, the copy
     * packaged in the jar (so that a fresh install detects faces without a download).
     */
    static ModelFiles.Verified detectorModel(AnalyticsProperties settings) {
        AnalyticsProperties.Detector d = settings.getDetector();
        java.nio.file.Path file = settings.resolveModel(d.getModel());
        if (!Files.exists(file) && AnalyticsProperties.Detector.DEFAULT_MODEL.equals(d.getModel().strip())) {
            ModelFiles.Verified bundled = ModelFiles.bundled("YuNet", AnalyticsProperties.Detector.DEFAULT_MODEL, d.getSha256());
            if (bundled != null) {
                return bundled;
            }
        }
        return ModelFiles.verify("YuNet", file, d.getSha256());
    }

    private static FaceRecognizer createRecognizer(AnalyticsProperties settings) {
        AnalyticsProperties.Recognition r = settings.getRecognition();
        String choice = r.getRecognizer() == null ? "auto" : r.getRecognizer().strip().toLowerCase(Locale.ROOT);
        boolean sfaceConfigured = r.getSfaceModel() != null && !r.getSfaceModel().isBlank();
        switch (choice) {
            case "sface" -> {
                if (!sfaceConfigured) {
                    throw new ModelException("recognizer is 'sface' but lenswire.analytics.recognition.sface-model is not set");
                }
                return sface(settings);
            }
            case "mobilefacenet" -> {
                return mobilefacenet(settings);
            }
            case "auto" -> {
                if (sfaceConfigured) {
                    return sface(settings);
                }
                boolean mobilefacenetPresent = r.getMobilefacenetModel() != null && !r.getMobilefacenetModel().isBlank()
                        && Files.exists(settings.resolveModel(r.getMobilefacenetModel().strip()));
                return mobilefacenetPresent ? mobilefacenet(settings) : builtin(r);
            }
            case "builtin", BuiltinRecognizer.NAME -> {
                return builtin(r);
            }
            default -> throw new ModelException("unknown recognizer '" + r.getRecognizer() + "' (use auto, sface, mobilefacenet or builtin)");
        }
    }

    private static FaceRecognizer sface(AnalyticsProperties settings) {
        AnalyticsProperties.Recognition r = settings.getRecognition();
        ModelFiles.Verified model = ModelFiles.verify("SFace", settings.resolveModel(r.getSfaceModel().strip()), r.getSfaceSha256());
        SFaceRecognizer sface = new SFaceRecognizer(model, r.getSfaceThreshold(), r.getMinEyeDistance(), r.getMinSharpness());
        if (model.checked()) {
            LOG.info("face recognition: SFace {} (sha256 {}, verified), cosine threshold {}", model.path(), model.sha256(), r.getSfaceThreshold());
        } else {
            LOG.warn("face recognition: SFace {} (sha256 {}, NOT checked: lenswire.analytics.recognition.sface-sha256 is empty), cosine threshold {}",
                    model.path(), model.sha256(), r.getSfaceThreshold());
        }
        return sface;
    }

    private static FaceRecognizer mobilefacenet(AnalyticsProperties settings) {
        AnalyticsProperties.Recognition r = settings.getRecognition();
        if (r.getMobilefacenetModel() == null || r.getMobilefacenetModel().isBlank()) {
            throw new ModelException("recognizer is 'mobilefacenet' but lenswire.analytics.recognition.mobilefacenet-model is empty");
        }
        ModelFiles.Verified model = ModelFiles.verify("MobileFaceNet", settings.resolveModel(r.getMobilefacenetModel().strip()),
                r.getMobilefacenetSha256());
        MobileFaceNetRecognizer rec = new MobileFaceNetRecognizer(model, r.getMobilefacenetThreshold(), r.getMinEyeDistance(), r.getMinSharpness());
        if (model.checked()) {
            LOG.info("face recognition: MobileFaceNet {} (sha256 {}, verified; {} PReLUs rewritten in memory for OpenCV), cosine threshold {}",
                    model.path(), model.sha256(), rec.rewrittenPrelus(), r.getMobilefacenetThreshold());
        } else {
            LOG.warn("face recognition: MobileFaceNet {} (sha256 {}, NOT checked: lenswire.analytics.recognition.mobilefacenet-sha256 is empty), cosine threshold {}",
                    model.path(), model.sha256(), r.getMobilefacenetThreshold());
        }
        return rec;
    }

    private static FaceRecognizer builtin(AnalyticsProperties.Recognition r) {
        LOG.info("face recognition: built-in {} recognizer (no weights file), threshold {}; set lenswire.analytics.recognition.sface-model to use SFace",
                BuiltinRecognizer.NAME, r.getBuiltinThreshold());
        return new BuiltinRecognizer(r.getBuiltinThreshold(), r.getMinEyeDistance(), r.getMinSharpness());
    }

    public Status status() {
        return status;
    }

    /** Why analytics is unavailable, or null. */
    public String error() {
        return error;
    }

    public boolean ready() {
        return status == Status.READY;
    }

    /** Name of the active recognizer, or null when analytics is not ready. */
    public String recognizerName() {
        return recognizer == null ? null : recognizer.name();
    }

    public FaceRecognizer recognizer() {
        return recognizer;
    }

    public Gallery gallery() {
        return gallery.get();
    }

    public void gallery(Gallery next) {
        gallery.set(next);
    }

    /** A detector for one camera thread; the caller closes it. */
    FaceDetector newDetector() {
        if (!ready()) {
            throw new IllegalStateException("face analytics unavailable: " + error);
        }
        return new FaceDetector(detectorModel, settings.getDetector());
    }

    /** Faces in a full-size photo, in its coordinates (detected on a copy at most 960 px on its longer side). */
    public synchronized List<DetectedFace> detectInPhoto(Mat bgr) {
        if (!ready()) {
            throw new IllegalStateException("face analytics unavailable: " + error);
        }
        double scale = Math.min(1.0, ENROLLMENT_DETECT_MAX_SIDE / (double) Math.max(bgr.cols(), bgr.rows()));
        if (scale >= 1.0) {
            return enrollmentDetector.detect(bgr);
        }
        int w = Math.max(1, (int) Math.round(bgr.cols() * scale));
        int h = Math.max(1, (int) Math.round(bgr.rows() * scale));
        List<DetectedFace> out = new ArrayList<>();
        try (Mat small = new Mat(); Size size = new Size(w, h)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            for (DetectedFace f : enrollmentDetector.detect(small)) {
                out.add(f.scaled(bgr.cols() / (double) w, bgr.rows() / (double) h));
            }
        }
        return out;
    }

    @Override
    public synchronized void destroy() {
        if (enrollmentDetector != null) {
            enrollmentDetector.close();
        }
        if (recognizer != null) {
            recognizer.close();
        }
    }
}
