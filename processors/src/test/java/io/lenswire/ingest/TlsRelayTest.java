package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;

class TlsRelayTest {

    @Test
    void libavformatGetsThePlainAddressOnTheRelaysLoopbackPortWithCredentialsPathAndQuery() throws Exception {
        String camera = "rtsps://admin:p%40ss@cam.example:8322/live/main?channel=1";
        try (TlsRelay relay = TlsRelay.start("c", camera, (SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofMillis(200))) {
            String local = relay.localUrl(camera);
            assertThat(local).matches("rtsp://admin:p%40ss@127\\.0\\.0\\.1:\\d+/live/main\\?channel=1");
            assertThat(relay.localUrl("rtsps://cam.example/x")).matches("rtsp://127\\.0\\.0\\.1:\\d+/x");
        }
    }

    @Test
    void onlyRtspsAddressesAreRelayed() {
        assertThat(TlsRelay.isRtsps("rtsps://cam/x")).isTrue();
        assertThat(TlsRelay.isRtsps("RTSPS://cam/x")).isTrue();
        assertThat(TlsRelay.isRtsps("rtsp://cam/x")).isFalse();
        assertThat(TlsRelay.isRtsps("/data/demo.mp4")).isFalse();
    }

    @Test
    void nobodyConnectingWithinTheTimeoutEndsTheRelayWithAReason() throws Exception {
        try (TlsRelay relay = TlsRelay.start("c", "rtsps://cam.example/x", (SSLSocketFactory) SSLSocketFactory.getDefault(),
                Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (relay.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(relay.failure()).contains("SocketTimeoutException");
        }
    }
}
