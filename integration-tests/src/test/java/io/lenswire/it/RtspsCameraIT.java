package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.TlsFront;
import io.lenswire.it.support.Wait;

/**
 * rtsps:// cameras have their certificate verified (issue 11, item 6): two TLS fronts of the test
 * RTSP server, one whose self-signed certificate is the configured CA file ({@code trusted}) and
 * one nobody trusts ({@code untrusted}), both for the name {@code localhost}.
 */
class RtspsCameraIT {

    private static RtspServer rtsp;
    private static TlsFront trusted;
    private static TlsFront untrusted;
    private static LenswireProcess app;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264");
        Path dir = TestPaths.target().resolve("rtsps-it");
        trusted = TlsFront.start(dir, "trusted", rtsp.port());
        untrusted = TlsFront.start(dir, "untrusted", rtsp.port());
        app = LenswireProcess.start("rtsps", "--lenswire.ingest.tls-ca-file=" + trusted.certificatePem(),
                "--lenswire.ingest.connect-timeout=3s");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (trusted != null) trusted.close();
        if (untrusted != null) untrusted.close();
        if (rtsp != null) rtsp.close();
    }

    private static Api.Response add(String id, String url, Boolean tlsVerify) {
        String body = "{\"camera_id\":\"" + id + "\",\"rtsp_url\":\"" + url + "\""
                + (tlsVerify == null ? "" : ",\"tls_verify\":" + tlsVerify) + "}";
        return app.api().postJson("/api/stream/cameras/add", body);
    }

    @Test
    void aCameraIsTrustedOnlyWithAVerifiedCertificateForItsNameUnlessItOptsOut() {
        Api api = app.api();
        assertThat(add("good", "rtsps://localhost:" + trusted.port() + "/cam", null).status()).isEqualTo(201);
        assertThat(add("wrong-name", "rtsps://127.0.0.1:" + trusted.port() + "/cam", null).status()).isEqualTo(201);
        assertThat(add("untrusted", "rtsps://localhost:" + untrusted.port() + "/cam", true).status()).isEqualTo(201);
        assertThat(add("opted-out", "rtsps://localhost:" + untrusted.port() + "/cam", false).status()).isEqualTo(201);

        Wait.until("the verified and the opted-out camera STREAMING", Duration.ofSeconds(30),
                () -> api.state("good").equals("STREAMING") && api.state("opted-out").equals("STREAMING"));
        Wait.until("the two others refused", Duration.ofSeconds(30),
                () -> !api.camera("wrong-name").orElseThrow().path("last_error").isNull()
                        && !api.camera("untrusted").orElseThrow().path("last_error").isNull());
        for (String refused : new String[] {"wrong-name", "untrusted"}) {
            assertThat(api.state(refused)).as(refused).isIn("RECONNECTING", "FAILED", "STARTING");
            assertThat(api.camera(refused).orElseThrow().path("last_error").asText()).isEqualTo("could not connect to the camera");
            assertThat(api.camera(refused).orElseThrow().path("packets_received").asLong()).as(refused).isZero();
        }
        assertThat(api.camera("good").orElseThrow().path("tls_verify").asBoolean()).isTrue();
        assertThat(api.camera("opted-out").orElseThrow().path("tls_verify").asBoolean()).isFalse();
        String log = app.log();
        assertThat(log).contains("camera untrusted: could not open the stream: TLS to the camera failed")
                .contains("camera wrong-name: could not open the stream: TLS to the camera failed");
        assertThat(log).doesNotContain("camera good: TLS to the camera failed");
    }

    @Test
    void tlsVerifyMustBeABoolean() {
        Api.Response r = add("bad-flag", "rtsps://localhost:" + trusted.port() + "/cam", null);
        assertThat(r.status()).isEqualTo(201);
        assertThat(app.api().delete("/api/stream/cameras/bad-flag").status()).isEqualTo(200);
        Api.Response wrong = app.api().postJson("/api/stream/cameras/add",
                "{\"camera_id\":\"bad-flag2\",\"rtsp_url\":\"rtsps://localhost:1/cam\",\"tls_verify\":\"no\"}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("message").asText()).isEqualTo("tls_verify must be true or false");
    }
}
