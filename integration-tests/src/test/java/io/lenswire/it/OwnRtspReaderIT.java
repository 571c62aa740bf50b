package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * {@code lenswire.ingest.rtsp-reader=lenswire}: Lenswire's own RTSP client reads H.264 and H.265
 * cameras from GStreamer's RTSP server (with and without Basic auth) into HLS that ffprobe and
 * ffmpeg accept, over one connection; a camera with audio or B-frames goes to libavformat instead,
 * before it streams; a camera whose clock goes back (another client of GStreamer's shared stream
 * seeks it to its start) streams on without reconnecting.
 */
class OwnRtspReaderIT {

    private static final String PASSWORD = "Own-reader-pa55-never-logged";
    private static RtspServer rtsp;
    private static RtspServer secured;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/h264=h264", "/h265=h265", "/av=h264aac", "/shared=h264", "/bframes=h264b");
        secured = RtspServer.start("alice:" + PASSWORD, "/cam=h264");
        app = LenswireProcess.start("own-rtsp", "--lenswire.ingest.rtsp-reader=lenswire");
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (secured != null) secured.close();
    }

    private static JsonNode streaming(String id, String url) {
        assertThat(api.addCamera(id, url).status()).isEqualTo(201);
        Wait.until(id + " STREAMING", Duration.ofSeconds(15), () -> api.state(id).equals("STREAMING"));
        return api.camera(id).orElseThrow();
    }

    /** What the app logged about one camera, line by line. */
    private static java.util.List<String> logOf(String id) {
        return app.log().lines().filter(l -> l.contains("camera " + id + ":")).toList();
    }

    private static void playsAsHls(String id, String codec) {
        String url = api.base() + HlsPlaybackITSupport.create(api, id, id + "-viewer").path("hls_url").asText();
        Media.Result probe = Media.probe(url);
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("codec_name=" + codec, "width=1280", "height=720");
        Media.Result decode = Media.decode(url, 4);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
        assertThat(decode.output()).as("ffmpeg's errors decoding the HLS stream").isBlank();
    }

    @Test
    void h264CameraIsReadByLenswireAndPlays() {
        JsonNode cam = streaming("own264", rtsp.url("/h264"));
        assertThat(cam.path("codec").asText()).isEqualTo("h264");
        assertThat(cam.path("width").asInt()).isEqualTo(1280);
        assertThat(cam.path("height").asInt()).isEqualTo(720);
        assertThat(cam.path("fps").asDouble()).isEqualTo(25.0);
        assertThat(app.log()).contains("camera own264: streaming h264 1280x720 @ 25.0 fps, read by lenswire");
        long before = api.camera("own264").orElseThrow().path("packets_received").asLong();
        Wait.sleep(2000);
        long after = api.camera("own264").orElseThrow().path("packets_received").asLong();
        assertThat(after - before).as("frames in 2 s of a 25 fps camera").isBetween(40L, 60L);
        playsAsHls("own264", "h264");
        assertThat(rtsp.connectedClients("/h264")).isEqualTo(1);
        assertThat(api.camera("own264").orElseThrow().path("packets_dropped").asLong()).isZero();
    }

    @Test
    void h265CameraIsReadByLenswireAndPlays() {
        JsonNode cam = streaming("own265", rtsp.url("/h265"));
        assertThat(cam.path("codec").asText()).isEqualTo("hevc");
        assertThat(cam.path("width").asInt()).isEqualTo(1280);
        assertThat(cam.path("height").asInt()).isEqualTo(720);
        assertThat(app.log()).contains("camera own265: streaming hevc 1280x720", "fps, read by lenswire");
        playsAsHls("own265", "hevc");
    }

    @Test
    void basicAuthWorksAndAWrongPasswordFailsWithoutShowingIt() {
        streaming("ownauth", secured.url("alice:" + PASSWORD, "/cam"));
        assertThat(app.log()).contains("camera ownauth: streaming h264 1280x720 @ 25.0 fps, read by lenswire");

        assertThat(api.addCamera("ownbad", secured.url("alice:wrong-" + PASSWORD, "/cam")).status()).isEqualTo(201);
        Wait.until("a failed connect reported", Duration.ofSeconds(15),
                () -> !api.camera("ownbad").orElseThrow().path("last_error").isNull());
        JsonNode bad = api.camera("ownbad").orElseThrow();
        assertThat(bad.path("state").asText()).isNotEqualTo("STREAMING");
        assertThat(bad.path("last_error").asText()).isEqualTo("could not connect to the camera");
        assertThat(app.log()).doesNotContain(PASSWORD);
        assertThat(api.get("/api/stream/cameras").body()).doesNotContain(PASSWORD);
    }

    @Test
    void aCameraWithAudioIsHandedToLibavformatAndKeepsItsAudio() {
        JsonNode cam = streaming("ownav", rtsp.url("/av"));
        assertThat(cam.path("audio_codec").asText()).isEqualTo("aac");
        assertThat(app.log()).contains("camera ownav: read with libavformat from now on",
                "camera ownav: streaming h264 1280x720 @ 25.0 fps, read by libavformat");
        Wait.sleep(1000);
        assertThat(rtsp.connectedClients("/av")).as("the first connection was closed before libavformat's").isEqualTo(1);
    }

    @Test
    void aCameraWithBFramesIsHandedToLibavformatBeforeItStreams() {
        JsonNode cam = streaming("ownb", rtsp.url("/bframes"));
        assertThat(cam.path("codec").asText()).isEqualTo("h264");
        assertThat(app.log()).contains("camera ownb: read with libavformat from now on",
                "camera ownb: streaming h264 1280x720 @ 25.0 fps, read by libavformat");
        assertThat(logOf("ownb")).as("the camera's log").noneMatch(l -> l.contains("RECONNECTING"));
        playsAsHls("ownb", "h264");
    }

    @Test
    void aClientJoiningTheCamerasSharedStreamDoesNotMakeItReconnect() {
        streaming("joined", rtsp.url("/shared"));
        // each client's PLAY (Range: npt=0-) seeks GStreamer's shared media to its start, so the
        // camera's RTP clock goes back for every client already watching
        for (int i = 0; i < 3; i++) {
            Media.Result other = Media.run(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    "-show_entries", "stream=codec_name", rtsp.url("/shared"));
            assertThat(other.exitCode()).as(other.output()).isZero();
        }
        Wait.until("the clock step seen", Duration.ofSeconds(10),
                () -> app.log().contains("camera joined: the camera's timestamps went back"));
        assertThat(logOf("joined")).as("the camera's log").noneMatch(l -> l.contains("RECONNECTING") || l.contains("libavformat"));
        assertThat(api.state("joined")).isEqualTo("STREAMING");
        long before = api.camera("joined").orElseThrow().path("packets_received").asLong();
        Wait.sleep(2000);
        long after = api.camera("joined").orElseThrow().path("packets_received").asLong();
        assertThat(after - before).as("frames in 2 s of a 25 fps camera").isBetween(40L, 60L);
        playsAsHls("joined", "h264");
        assertThat(api.camera("joined").orElseThrow().path("packets_dropped").asLong()).isZero();
    }
}
