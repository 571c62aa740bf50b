package io.lenswire.camera;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.annotation.PostConstruct;

import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.IngestLimits;
import io.lenswire.ingest.StreamUrls;

/**
 * Checks {@code lenswire.cameras} by the rules of the API (id pattern, address, name) while the
 * application context is built, before Camel or the web server start: a bad entry stops the start
 * with a message naming the entry, instead of an NPE later or an id that Camel would read as
 * endpoint options ({@code cam?size=1}). Messages never show an address (it may hold a password).
 */
@Component
public class ConfiguredCameras {

    private final LenswireProperties properties;
    private final IngestLimits limits;

    public ConfiguredCameras(LenswireProperties properties, IngestLimits limits) {
        this.properties = properties;
        this.limits = limits;
    }

    /** Thrown at start for a configuration no camera can be made of. */
    public static final class InvalidCameraConfiguration extends IllegalStateException {
        InvalidCameraConfiguration(String message) {
            super(message);
        }
    }

    @PostConstruct
    void check() {
        List<LenswireProperties.CameraConfig> cameras = properties.getCameras();
        if (cameras == null) {
            return;
        }
        if (cameras.size() > limits.getMaxCameras()) {
            throw new InvalidCameraConfiguration("lenswire.cameras lists " + cameras.size() + " cameras, more than"
                    + " lenswire.ingest.max-cameras (" + limits.getMaxCameras() + ")");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < cameras.size(); i++) {
            LenswireProperties.CameraConfig c = cameras.get(i);
            String entry = "lenswire.cameras[" + i + "]";
            if (c == null) {
                throw new InvalidCameraConfiguration(entry + " is empty");
            }
            String problem = problem(c);
            if (problem != null) {
                throw new InvalidCameraConfiguration("Invalid camera configuration " + entry
                        + (c.getId() == null ? "" : " (id '" + printable(c.getId()) + "')") + ": " + problem);
            }
            Integer first = seen.putIfAbsent(c.getId().toLowerCase(Locale.ROOT), i);
            if (first != null) {
                throw new InvalidCameraConfiguration("Invalid camera configuration " + entry + " (id '" + c.getId()
                        + "'): the id is already used by lenswire.cameras[" + first + "] (ids must differ in more than case)");
            }
        }
    }

    /** Null when the entry is a valid camera, else why not. */
    static String problem(LenswireProperties.CameraConfig c) {
        if (c.getId() == null || c.getId().isEmpty()) {
            return "id is required";
        }
        if (!Camera.ID_PATTERN.matcher(c.getId()).matches()) {
            return "id must be " + Camera.ID_RULE;
        }
        if (c.getUrl() == null || c.getUrl().isBlank()) {
            return "url is required (rtsp://, rtsps:// or demo:)";
        }
        if (!CameraDirectory.DEMO_URL.equals(c.getUrl())) {
            String urlProblem = StreamUrls.problemWith(c.getUrl());
            if (urlProblem != null) {
                return urlProblem.replace("rtsp_url", "url");
            }
        }
        String name = c.getName();
        if (name != null && name.length() > Camera.MAX_NAME_LENGTH) {
            return "name is longer than " + Camera.MAX_NAME_LENGTH + " characters";
        }
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            return "name must not contain control characters";
        }
        return null;
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
