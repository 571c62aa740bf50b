package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rtsp://admin:hunter2@10.0.0.5:554/s1 | rtsp://admin:***@10.0.0.5:554/s1",
        "rtsps://u:p%40ss@cam/x               | rtsps://u:***@cam/x",
        "rtsp://cam.local/stream              | rtsp://cam.local/stream",
        "rtsp://user@cam/x                    | rtsp://user@cam/x",
        "open rtsp://a:b@h/x failed, retry rtsp://c:d@h/y | open rtsp://a:***@h/x failed, retry rtsp://c:***@h/y",
    })
    void masksPasswordsAnywhereInText(String input, String expected) {
        assertThat(StreamUrls.maskCredentials(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://cam/x", "rtsps://user:pw@cam:322/live", "RTSP://CAM/X", "rtsp://[::1]:554/x"})
    void acceptsRtspAddresses(String url) {
        assertThat(StreamUrls.problemWith(url)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "file:///etc/passwd", "http://cam/x", "javascript:alert(1)", "rtsp://", "rtsp:///x",
        "rtsp://cam/a b", "rtsp://cam/\u0000", "ftp://cam/x", "cam/x", "rtsp:cam"})
    void refusesEverythingElse(String url) {
        assertThat(StreamUrls.problemWith(url)).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongAddresses() {
        assertThat(StreamUrls.problemWith("rtsp://cam/" + "a".repeat(StreamUrls.MAX_LENGTH))).contains("longer");
    }
}
