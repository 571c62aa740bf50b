package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** Cameras added over REST live in the database and come back after a restart; removed ones do not. */
class RestartIT {

    private static RtspServer rtsp;
    private static LenswireProcess app;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/one=h264", "/two=h265");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    @Test
    void restAddedCamerasSurviveARestart() throws Exception {
        app = LenswireProcess.start("restart");
        Api api = app.api();
        assertThat(api.postJson("/api/stream/cameras/add",
                "{\"camera_id\":\"one\",\"rtsp_url\":\"" + rtsp.url("/one") + "\",\"name\":\"Lobby\",\"enable_analytics\":true}").status())
                .isEqualTo(201);
        assertThat(api.addCamera("two", rtsp.url("/two")).status()).isEqualTo(201);
        assertThat(api.addCamera("three", rtsp.url("/one")).status()).isEqualTo(201);
        assertThat(api.delete("/api/stream/cameras/three").status()).isEqualTo(200);
        Wait.until("cameras STREAMING", Duration.ofSeconds(15),
                () -> api.state("one").equals("STREAMING") && api.state("two").equals("STREAMING"));

        app.restart();

        Wait.until("cameras back and STREAMING", Duration.ofSeconds(20),
                () -> api.state("one").equals("STREAMING") && api.state("two").equals("STREAMING"));
        JsonNode one = api.camera("one").orElseThrow();
        assertThat(one.path("name").asText()).isEqualTo("Lobby");
        assertThat(one.path("enable_analytics").asBoolean()).isTrue();
        assertThat(api.camera("two").orElseThrow().path("codec").asText()).isEqualTo("hevc");
        assertThat(api.camera("three")).as("a removed camera stays removed").isEmpty();
        assertThat(api.camera("demo")).as("configured cameras come from the configuration").isPresent();
        assertThat(api.addCamera("one", rtsp.url("/one")).status()).as("ids stay taken after restart").isEqualTo(409);
    }
}
