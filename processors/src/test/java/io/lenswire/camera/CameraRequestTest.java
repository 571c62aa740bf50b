package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiException;

class CameraRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Camera parse(String json) throws Exception {
        return CameraRequest.parse(JSON.readTree(json));
    }

    @Test
    void readsAllFields() throws Exception {
        Camera c = parse("{\"camera_id\":\"door-1\",\"rtsp_url\":\"rtsp://u:p@h/x\",\"name\":\" Front door \",\"enable_analytics\":true}");
        assertThat(c.id()).isEqualTo("door-1");
        assertThat(c.url()).isEqualTo("rtsp://u:p@h/x");
        assertThat(c.name()).isEqualTo("Front door");
        assertThat(c.analytics()).isTrue();
        assertThat(c.origin()).isEqualTo(Camera.Origin.API);
        assertThat(c.toString()).doesNotContain(":p@");
    }

    @Test
    void nameDefaultsToIdAndAnalyticsToOff() throws Exception {
        Camera c = parse("{\"camera_id\":\"x\",\"rtsp_url\":\"rtsp://h/x\"}");
        assertThat(c.name()).isEqualTo("x");
        assertThat(c.analytics()).isFalse();
    }

    @Test
    void idOfSixtyFourCharactersIsTheLongestAccepted() throws Exception {
        assertThat(parse("{\"camera_id\":\"" + "a".repeat(64) + "\",\"rtsp_url\":\"rtsp://h/x\"}").id()).hasSize(64);
        assertThatThrownBy(() -> parse("{\"camera_id\":\"" + "a".repeat(65) + "\",\"rtsp_url\":\"rtsp://h/x\"}"))
                .isInstanceOf(ApiException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                                             | camera_id is required",
        "{\"camera_id\":\"../x\",\"rtsp_url\":\"rtsp://h/x\"}           | camera_id must be",
        "{\"camera_id\":\"a b\",\"rtsp_url\":\"rtsp://h/x\"}            | camera_id must be",
        "{\"camera_id\":\"k\u00fc\",\"rtsp_url\":\"rtsp://h/x\"}        | camera_id must be",
        "{\"camera_id\":5,\"rtsp_url\":\"rtsp://h/x\"}                  | camera_id must be a string",
        "{\"camera_id\":\"a\"}                                          | rtsp_url is required",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"file:///etc/passwd\"}      | rtsp_url must start with",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"x\":1}      | Unknown field 'x'",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"enable_analytics\":\"yes\"} | enable_analytics must be true or false",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"name\":\"a\\u0007b\"}      | control characters",
    })
    void refusesWithAnActionableMessage(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    /** The console shows each message beside its field: the error names it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                                             | camera_id",
        "{\"camera_id\":\"a b\",\"rtsp_url\":\"rtsp://h/x\"}            | camera_id",
        "{\"camera_id\":5,\"rtsp_url\":\"rtsp://h/x\"}                  | camera_id",
        "{\"camera_id\":\"a\"}                                          | rtsp_url",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"http://h/x\"}              | rtsp_url",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"name\":\"a\\u0007b\"}      | name",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"enable_analytics\":\"yes\"} | enable_analytics",
        "{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"tls_verify\":1}     | tls_verify",
    })
    void namesTheFieldAtFault(String json, String field) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void anUnknownFieldIsAboutTheRequestNotAField() {
        assertThatThrownBy(() -> parse("{\"camera_id\":\"a\",\"rtsp_url\":\"rtsp://h/x\",\"x\":1}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isNull());
    }
}
