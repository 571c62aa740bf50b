package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.IngestLimits;

/** Configured cameras follow the API's rules; a bad entry is a start-up error that names it. */
class ConfiguredCamerasTest {

    private static LenswireProperties.CameraConfig camera(String id, String url) {
        LenswireProperties.CameraConfig c = new LenswireProperties.CameraConfig();
        c.setId(id);
        c.setUrl(url);
        return c;
    }

    private static void check(LenswireProperties.CameraConfig... cameras) {
        check(256, cameras);
    }

    private static void check(int max, LenswireProperties.CameraConfig... cameras) {
        LenswireProperties properties = new LenswireProperties();
        properties.setCameras(new ArrayList<>(List.of(cameras)));
        IngestLimits limits = new IngestLimits();
        limits.setMaxCameras(max);
        new ConfiguredCameras(properties, limits).check();
    }

    @Test
    void validEntriesPass() {
        check(camera("demo", "demo:"), camera("door", "rtsp://user:pw@192.0.2.10:554/s1"), camera("Yard_2", "rtsps://cam.example/x"));
    }

    @Test
    void badIdsAreNamedWithTheirEntry() {
        for (String id : new String[] {"a?size=1", "a&b", "cam/../x", "x%2f", "-cam", "", "a b", "x".repeat(65), "c\u0000", "kamera-ü", "a:b"}) {
            assertThatThrownBy(() -> check(camera("ok", "demo:"), camera(id, "rtsp://cam/x")))
                    .as(id).isInstanceOf(ConfiguredCameras.InvalidCameraConfiguration.class)
                    .hasMessageContaining("lenswire.cameras[1]").hasMessageContaining("id");
        }
        assertThatThrownBy(() -> check(camera(null, "rtsp://cam/x"))).hasMessageContaining("lenswire.cameras[0]").hasMessageContaining("id is required");
    }

    @Test
    void badUrlsAreNamedWithoutShowingTheUrl() {
        for (String url : new String[] {null, "", "file:///etc/passwd", "http://cam/x", "rtsp://secretuser:hunter2@169.254.169.254/x",
                "rtsp://cam/x?http", "rtsp://u:hunter2@2852039166/x", "concat:a|b", "demo:x", "rtsp://cam/x y"}) {
            assertThatThrownBy(() -> check(camera("cam", url)))
                    .as(url).isInstanceOf(ConfiguredCameras.InvalidCameraConfiguration.class)
                    .hasMessageContaining("lenswire.cameras[0] (id 'cam')")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("secretuser"));
        }
    }

    @Test
    void duplicateIdsAlsoByCaseAndTooManyCamerasAreRefused() {
        assertThatThrownBy(() -> check(camera("door", "demo:"), camera("Door", "demo:")))
                .hasMessageContaining("lenswire.cameras[1]").hasMessageContaining("lenswire.cameras[0]");
        assertThatThrownBy(() -> check(1, camera("a", "demo:"), camera("b", "demo:"))).hasMessageContaining("max-cameras");
    }

    @Test
    void badNamesAreRefused() {
        LenswireProperties.CameraConfig c = camera("cam", "demo:");
        c.setName("n".repeat(129));
        assertThatThrownBy(() -> check(c)).hasMessageContaining("name");
        c.setName("bell\u0007");
        assertThatThrownBy(() -> check(c)).hasMessageContaining("control");
    }
}
