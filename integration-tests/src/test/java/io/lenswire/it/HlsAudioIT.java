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

/** A camera's AAC audio is copied into HLS; other audio is dropped, said so in the status, and video still plays. */
class HlsAudioIT {

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/aac=h264aac", "/pcmu=h264pcmu");
        app = LenswireProcess.start("audio");
        api = app.api();
        api.addCamera("aac", rtsp.url("/aac"));
        api.addCamera("pcmu", rtsp.url("/pcmu"));
        Wait.until("cameras STREAMING", Duration.ofSeconds(15),
                () -> api.state("aac").equals("STREAMING") && api.state("pcmu").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    private static String streams(String url) {
        Media.Result r = Media.run(Duration.ofSeconds(60), "ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name",
                "-of", "csv=p=0", url);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output();
    }

    @Test
    void aacIsCarriedIntoHls() {
        JsonNode cam = api.camera("aac").orElseThrow();
        assertThat(cam.path("audio_codec").asText()).isEqualTo("aac");
        assertThat(cam.path("audio_in_hls").asBoolean()).isTrue();
        String url = api.base() + HlsPlaybackITSupport.create(api, "aac", "listener").path("hls_url").asText();
        assertThat(streams(url)).contains("h264,video", "aac,audio");
        Media.Result decode = Media.decode(url, 4);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
    }

    @Test
    void otherAudioIsDroppedAndReported() {
        JsonNode cam = api.camera("pcmu").orElseThrow();
        assertThat(cam.path("audio_codec").asText()).isEqualTo("pcm_mulaw");
        assertThat(cam.path("audio_in_hls").asBoolean()).isFalse();
        String url = api.base() + HlsPlaybackITSupport.create(api, "pcmu", "listener").path("hls_url").asText();
        assertThat(streams(url)).contains("h264,video").doesNotContain("audio");
        Media.Result decode = Media.decode(url, 4);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
    }
}
