package io.lenswire.ingest;

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
        "rtsp://token@cam/x                   | rtsp://***@cam/x",
        "rtsp://user:p@ss@cam/x               | rtsp://user:***@cam/x",
        "rtsp://user:p@ss:w/rd@cam:554/x      | rtsp://user:***@cam:554/x",
        "rtsp://user:a@b@c@cam/x?y=1          | rtsp://user:***@cam/x?y=1",
        "RTSPS://u:secret@cam/x               | RTSPS://u:***@cam/x",
        "'rtsp://u:secret@cam/x' then mail admin@example.com | 'rtsp://u:***@cam/x' then mail admin@example.com",
        "could not open rtsp://tok3n@10.0.0.1/x: refused | could not open rtsp://***@10.0.0.1/x: refused",
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

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://169.254.169.254/x", "rtsp://169.254.0.1:554/x", "rtsp://2852039166/x", "rtsp://0xa9fea9fe/x",
        "rtsp://0xA9FEA9FE/x", "rtsp://0251.0376.0251.0376/x", "rtsp://169.254.43518/x", "rtsp://169.16689662/x",
        "rtsp://[::ffff:169.254.169.254]/x", "rtsp://[::ffff:a9fe:a9fe]/x", "rtsp://[::169.254.169.254]/x",
        "rtsp://[64:ff9b::a9fe:a9fe]/x", "rtsp://[2002:a9fe:a9fe::1]/x", "rtsp://[fe80::1]/x", "rtsp://[FE80::abcd:1]:554/x",
        "rtsp://[fe80::1%25eth0]/x", "rtsp://[febf::1]/x", "rtsp://100.100.100.200/x", "rtsp://[fd00:ec2::254]/x",
        "rtsp://metadata.google.internal/x", "rtsp://METADATA.google.internal./x", "rtsps://u:p@169.254.169.254/x",
        "rtsp://user:p@ss@cam/x", "rtsp://cam/x#frag", "rtsp://cam/x?http", "rtsp://cam/x?a=1&listen",
        "rtsp://kamera.例え.jp/x", "rtsp://１６９.２５４.１６９.２５４/x"})
    void refusesLinkLocalMetadataAndAmbiguousAddresses(String url) {
        assertThat(StreamUrls.problemWith(url)).as(url).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://127.0.0.1:8554/x", "rtsp://10.0.0.5/x", "rtsp://192.168.1.2/x?channel=1&subtype=0",
        "rtsp://user:p%40ss@cam/x", "rtsp://tok@cam/x", "rtsp://169.253.255.255/x", "rtsp://169.255.0.1/x", "rtsp://[fec0::1]/x",
        "rtsp://cam-169-254-169-254.example/x", "rtsp://xn--r8jz45g.jp/x", "rtsp://0x/x.example"})
    void keepsLanAndOrdinaryAddresses(String url) {
        assertThat(StreamUrls.problemWith(url)).as(url).isNull();
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongAddresses() {
        assertThat(StreamUrls.problemWith("rtsp://cam/" + "a".repeat(StreamUrls.MAX_LENGTH))).contains("longer");
    }
}
