package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Browser;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** hls.js (served from the jar) in headless Chromium plays a camera through the built-in player page. */
class HlsBrowserIT {

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("browser");
        app.api().addCamera("cam", rtsp.url("/cam"));
        Wait.until("camera STREAMING", Duration.ofSeconds(15), () -> app.api().state("cam").equals("STREAMING"));
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    @Test
    void hlsJsPlaysTheCameraForThreeSeconds() {
        Api api = app.api();
        JsonNode session = HlsPlaybackITSupport.create(api, "cam", "browser-user");
        String src = URLEncoder.encode(session.path("hls_url").asText(), StandardCharsets.UTF_8);
        browser.get(api.base() + "/player.html?src=" + src);
        JavascriptExecutor js = browser;
        assertThat((Boolean) js.executeScript("return window.Hls !== undefined && Hls.isSupported();"))
                .as("hls.js loaded from the jar and MSE available").isTrue();
        Wait.until("video.currentTime >= 3 s", Duration.ofSeconds(40), () -> {
            Number t = (Number) js.executeScript("return document.getElementById('video').currentTime;");
            return t != null && t.doubleValue() >= 3.0;
        });
        String status = (String) js.executeScript("return document.getElementById('status').textContent;");
        assertThat(status).doesNotContain("fatal");
        Number width = (Number) js.executeScript("return document.getElementById('video').videoWidth;");
        assertThat(width.intValue()).isEqualTo(1280);
    }
}
