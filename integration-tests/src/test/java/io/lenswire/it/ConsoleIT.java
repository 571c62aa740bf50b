package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.ConsolePage;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Screenshots;
import io.lenswire.it.support.Wait;

/**
 * The web console at {@code /} in headless Chromium, against the real server and RTSP cameras:
 * sign-in, the live camera list, the add form with the API's errors beside its fields, removal,
 * one camera large and a grid, each player with a playback session it refreshes and ends, and
 * "reconnecting" while a camera is down. Every
 * step checks the browser console for errors and saves screenshots (wide and narrow) to
 * docs/console. The tests run in order on one server, one browser tab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static Path clipDir;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;
    /** The page in the browser, and the errors the current step expects in its console. */
    private static ConsolePage page;

    @BeforeAll
    static void start() throws Exception {
        // a pre-encoded clip served as is: three cameras without three live encoders on a 2-core machine
        clipDir = Files.createTempDirectory("lenswire-console-");
        Path clip = clipDir.resolve("testsrc2-720p25.mp4");
        Media.Result made = Media.run(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", clip.toString());
        assertThat(made.exitCode()).as(made.output()).isZero();
        rtsp = RtspServer.start(null, "/a=file:" + clip, "/b=file:" + clip, "/c=file:" + clip);
        // a short token lifetime: the players refresh their sessions (at half of it) while the test watches
        app = LenswireProcess.start("console", "--lenswire.playback.token-ttl=12s");
        api = app.api();
        page = ConsolePage.start();
        browser = page.browser();
        js = browser;
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (clipDir != null) {
            try (var files = Files.list(clipDir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(clipDir);
        }
    }

    /** No page may log an error but the refusals its step provoked on purpose. */
    @AfterEach
    void theBrowserConsoleHasNoErrors() {
        page.assertNoUnexpectedErrors();
    }

    @Test
    @Order(1)
    void aBadApiKeyIsRefusedWithAMessage() {
        browser.get(api.base() + "/");
        WebElement key = page.waitFor(By.id("signin-key"));
        Screenshots.saveWideAndNarrow(browser, "signin");

        // Chromium logs the 401 of the check as a failed request: that one is expected
        page.expectError(e -> e.contains("/api/stream/cameras/status") && e.contains("401"));
        key.sendKeys("not-the-key", Keys.ENTER);
        WebElement error = page.waitForVisible(By.id("signin-error"));
        assertThat(error.getText()).startsWith("This API key was refused: ");
        String serverMessage = new Api(api.base(), "not-the-key").get("/api/stream/cameras/status").json().path("message").asText();
        assertThat(error.getText()).endsWith(serverMessage);
        assertThat(key.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(js.executeScript("return sessionStorage.length;")).isEqualTo(0L);
        assertThat(browser.findElements(By.id("camera-list"))).isEmpty();
    }

    @Test
    @Order(2)
    void theRightKeySignsInAndIsKeptForTheTabOnly() {
        WebElement key = page.waitFor(By.id("signin-key"));
        key.clear();
        key.sendKeys(LenswireProcess.API_KEY, Keys.ENTER);
        page.waitFor(By.id("camera-list"));
        assertThat(js.executeScript("return sessionStorage.getItem('lenswire.apiKey');")).isEqualTo(LenswireProcess.API_KEY);
        assertThat(js.executeScript("return localStorage.length;")).isEqualTo(0L);
        assertThat(js.executeScript("return document.cookie;")).isEqualTo("");
        // the configured demo camera (the jar's application.yaml) is listed
        Wait.until("the demo camera listed", Duration.ofSeconds(10), () -> rowState("demo") != null);
    }

    @Test
    @Order(3)
    void invalidInputShowsTheApiErrorBesideItsField() {
        page.expectError(e -> e.contains("/api/stream/cameras/add") && e.contains("400"));
        submitCamera("front door", rtsp.url("/a"), "");
        WebElement idError = page.waitForVisible(By.id("add-camera_id-error"));
        assertThat(idError.getText()).isEqualTo(apiRefusal("front door", rtsp.url("/a")));
        assertThat(browser.findElement(By.id("add-camera_id")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("add-rtsp_url-error")).isDisplayed()).isFalse();

        submitCamera("door", "http://camera.invalid/stream", "");
        WebElement urlError = page.waitForVisible(By.id("add-rtsp_url-error"));
        assertThat(urlError.getText()).isEqualTo(apiRefusal("door", "http://camera.invalid/stream"))
                .startsWith("rtsp_url ");
        assertThat(browser.findElement(By.id("add-camera_id-error")).isDisplayed()).as("the earlier error is gone").isFalse();
        assertThat(js.executeScript("return document.activeElement.id;")).isEqualTo("add-rtsp_url");
        browser.findElement(By.id("add-rtsp_url")).sendKeys(Keys.HOME); // the field stays readable in the shot
        Screenshots.save(browser, "add-error-wide");
        assertThat(api.state("door")).isEqualTo("ABSENT");
    }

    @Test
    @Order(4)
    void anAddedCameraShowsStreamingWithoutReload() {
        js.executeScript("window.sameDocument = true;");
        submitCamera("door", rtsp.url("/a"), "Front door");
        Wait.until("door STREAMING in the list", Duration.ofSeconds(30), () -> "STREAMING".equals(rowState("door")));
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        assertThat(page.waitFor(By.id("add-done")).getText()).isEqualTo("Camera door added.");
        WebElement row = browser.findElement(By.id("camera-door"));
        assertThat(cell(row, "camera")).isEqualTo("Front door (door)");
        assertThat(cell(row, "codec")).isEqualTo("h264");
        assertThat(cell(row, "resolution")).isEqualTo("1280\u00d7720");
        assertThat(cell(row, "fps")).startsWith("25");
        assertThat(cell(row, "reconnects")).isEqualTo("0");
        assertThat(cell(row, "analytics")).isEqualTo("off");

        // cameras added elsewhere appear too
        assertThat(api.addCamera("yard", rtsp.url("/b")).status()).isEqualTo(201);
        assertThat(api.addCamera("gate", rtsp.url("/c")).status()).isEqualTo(201);
        Wait.until("yard and gate STREAMING in the list", Duration.ofSeconds(30),
                () -> "STREAMING".equals(rowState("yard")) && "STREAMING".equals(rowState("gate")));
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        Screenshots.saveWideAndNarrow(browser, "cameras");
    }

    @Test
    @Order(5)
    void theLiveViewPlaysRefreshesItsSessionAndEndsItWhenClosed() {
        browser.findElement(By.cssSelector("[aria-label='Live view of door']")).click();
        WebElement video = page.waitFor(By.cssSelector(".player.large video"));
        Wait.until("the large video to play", Duration.ofSeconds(30), () -> currentTime(video) >= 0.5);
        double start = currentTime(video);
        Wait.until("3 s of video", Duration.ofSeconds(15), () -> currentTime(video) >= start + 3.0);

        JsonNode session = onlySessionOf("door");
        assertThat(session.path("state").asText()).isEqualTo("PLAYING");
        assertThat(session.path("user_id").asText()).isEqualTo("web-console");
        Wait.until("a latency reading", Duration.ofSeconds(10),
                () -> page.text(".player.large .latency").matches("latency [0-9.]+ s"));
        assertThat(page.text(".player.large .status")).isEqualTo("playing");
        assertThat(browser.findElement(By.cssSelector(".player.large .overlay")).isDisplayed()).isFalse();

        byte[] shot = video.getScreenshotAs(OutputType.BYTES);
        double spread = Screenshots.luminanceSpread(shot);
        System.out.printf("console live view: video luminance spread %.1f%n", spread);
        assertThat(spread).as("luminance spread of the video element's screenshot").isGreaterThan(20.0);
        Screenshots.saveWideAndNarrow(browser, "live");

        // the token lives 12 s: the player refreshes the same session (a new expiry, the same id)
        // and keeps playing on the new token, since the old one stops working at once
        String expiry = session.path("expires_at").asText();
        Wait.until("a refreshed session", Duration.ofSeconds(15),
                () -> !onlySessionOf("door").path("expires_at").asText().equals(expiry));
        assertThat(onlySessionOf("door").path("session_id").asText()).isEqualTo(session.path("session_id").asText());
        double afterRefresh = currentTime(video);
        Wait.until("2 s of video after the refresh", Duration.ofSeconds(10), () -> currentTime(video) >= afterRefresh + 2.0);

        browser.findElement(By.id("close-live")).click();
        page.waitFor(By.id("camera-list"));
        Wait.until("the session ended", Duration.ofSeconds(5), () -> sessionsOf("door").isEmpty());
    }

    @Test
    @Order(7)
    void aGridPlaysThreeCamerasOnOneRtspClientEachAndLeavingThePageEndsTheirSessions() {
        browser.findElement(By.cssSelector("header nav a[href='#/grid']")).click();
        Wait.until("three players", Duration.ofSeconds(10),
                () -> browser.findElements(By.cssSelector(".tiles .player video")).size() == 3);
        List<WebElement> videos = browser.findElements(By.cssSelector(".tiles .player video"));
        Wait.until("three videos playing", Duration.ofSeconds(30), () -> videos.stream().allMatch(v -> currentTime(v) >= 0.5));
        List<Double> starts = videos.stream().map(ConsoleIT::currentTime).toList();
        Wait.until("2 s more of each video", Duration.ofSeconds(15), () -> {
            for (int i = 0; i < videos.size(); i++) {
                if (currentTime(videos.get(i)) < starts.get(i) + 2.0) {
                    return false;
                }
            }
            return true;
        });
        assertThat(sessionsOf("door")).hasSize(1);
        assertThat(sessionsOf("yard")).hasSize(1);
        assertThat(sessionsOf("gate")).hasSize(1);
        assertThat(rtsp.connectedClients()).as("RTSP clients: one per camera, whatever the viewers").isEqualTo(3);
        Wait.until("latency readings", Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector(".tiles .latency")).stream()
                .allMatch(l -> l.getText().matches("latency [0-9.]+ s")));
        Screenshots.saveWideAndNarrow(browser, "grid");

        // a choice of cameras: unticking one closes its player and ends its session; the choice
        // is kept in the address, so a reload (a bookmarked wall screen) shows the same cameras
        browser.findElement(By.cssSelector(".grid-choice summary")).click();
        page.waitForVisible(By.id("grid-choice-gate")).click();
        Wait.until("gate's tile gone", Duration.ofSeconds(5), () -> gridCameras().equals(List.of("door", "yard")));
        Wait.until("gate's session ended", Duration.ofSeconds(5), () -> sessionsOf("gate").isEmpty());
        assertThat(js.executeScript("return location.hash;")).isEqualTo("#/grid/door,yard");
        Screenshots.save(browser, "grid-choice-wide");
        theBrowserConsoleHasNoErrors();
        browser.navigate().refresh();
        Wait.until("door and yard after a reload", Duration.ofSeconds(10), () -> gridCameras().equals(List.of("door", "yard")));
        Wait.until("one session each", Duration.ofSeconds(10),
                () -> sessionsOf("door").size() == 1 && sessionsOf("yard").size() == 1 && sessionsOf("gate").isEmpty());

        // the console's sessions end with the page (keepalive DELETEs on pagehide)
        theBrowserConsoleHasNoErrors();
        browser.get("about:blank");
        Wait.until("the grid's sessions ended", Duration.ofSeconds(5),
                () -> api.get("/api/stream/playback/sessions").json().path("sessions").isEmpty());
    }

    @Test
    @Order(6)
    void removingACameraAsksFirst() {
        Wait.until("demo listed", Duration.ofSeconds(10), () -> "STREAMING".equals(rowState("demo")));
        browser.findElement(By.cssSelector("[aria-label='Remove demo']")).click();
        WebElement dialog = page.waitForVisible(By.id("remove-dialog"));
        assertThat(dialog.findElement(By.tagName("h3")).getText()).isEqualTo("Remove camera demo?");
        Screenshots.save(browser, "remove-wide");
        dialog.findElement(By.cssSelector("button[value=cancel]")).click();
        Wait.sleep(2500); // a poll later, the camera is still there
        assertThat(api.state("demo")).isEqualTo("STREAMING");
        assertThat(rowState("demo")).isEqualTo("STREAMING");

        browser.findElement(By.cssSelector("[aria-label='Remove demo']")).click();
        page.waitForVisible(By.id("remove-confirm")).click();
        Wait.until("demo gone from the list", Duration.ofSeconds(5), () -> rowState("demo") == null);
        assertThat(api.state("demo")).isEqualTo("ABSENT");
        assertThat(rowState("door")).isEqualTo("STREAMING");
    }

    @Test
    @Order(8)
    void aPlayerShowsReconnectingWhileItsCameraIsDownAndRecoversByItself() {
        browser.get(api.base() + "/#/live/door");
        WebElement video = page.waitFor(By.cssSelector(".player.large video"));
        Wait.until("the large video to play", Duration.ofSeconds(30), () -> currentTime(video) >= 0.5);
        rtsp.kill();
        Wait.until("'reconnecting' on the player", Duration.ofSeconds(20),
                () -> "reconnecting".equals(page.text(".player.large .status")));
        WebElement overlay = browser.findElement(By.cssSelector(".player.large .overlay"));
        assertThat(overlay.isDisplayed()).isTrue();
        assertThat(overlay.getText()).isEqualTo("reconnecting\u2026");
        Screenshots.save(browser, "live-reconnecting-wide");

        rtsp.start();
        Wait.until("door STREAMING again", Duration.ofSeconds(30), () -> api.state("door").equals("STREAMING"));
        double resumed = currentTime(video);
        Wait.until("the same player playing on", Duration.ofSeconds(30),
                () -> currentTime(video) >= resumed + 2.0 && "playing".equals(page.text(".player.large .status")));
        assertThat(overlay.isDisplayed()).isFalse();
        assertThat(sessionsOf("door")).hasSize(1);
    }

    /**
     * Every page can be reached and used without a mouse: its nav link is reached with Tab and
     * opened with Enter, and Tab then visits every visible control of the page.
     */
    @Test
    @Order(9)
    void everyPageIsWalkedWithTheKeyboard() {
        browser.get(api.base() + "/#/cameras");
        page.waitFor(By.id("camera-list"));
        @SuppressWarnings("unchecked")
        List<String> pages = (List<String>) js.executeScript(
                "return [...document.querySelectorAll('header nav a')].map(a => a.getAttribute('href'));");
        assertThat(pages).contains("#/cameras", "#/grid", "#/faces", "#/events", "#/webhooks", "#/analytics");
        int walked = 0;
        for (String page : pages) {
            js.executeScript("document.activeElement.blur(); window.scrollTo(0, 0);");
            tabUntil("the nav link " + page, "document.activeElement.matches(\"header nav a[href='" + page + "']\")");
            browser.switchTo().activeElement().sendKeys(Keys.ENTER);
            Wait.until(page + " open", Duration.ofSeconds(5), () -> page.equals(js.executeScript("return location.hash;")));
            Wait.sleep(1500); // the page's first answers have arrived
            // tags the page's visible controls, then walks them with Tab
            Number controls = (Number) js.executeScript("""
                    let n = 0;
                    document.querySelectorAll('main a[href], main button, main input, main select, main textarea, main summary, main [tabindex]')
                      .forEach((e) => {
                        const folded = e.closest('details:not([open])') && !e.matches('details > summary');
                        const hidden = folded || e.closest('dialog:not([open]), [hidden]') || e.getClientRects().length === 0
                          || e.disabled || e.tabIndex < 0;
                        if (!hidden) { e.dataset.kbWalk = String(n++); }
                      });
                    window.kbSeen = new Set();
                    if (!window.kbListening) {
                      window.kbListening = true;
                      document.addEventListener('focusin', (ev) => { if (ev.target.dataset.kbWalk) window.kbSeen.add(ev.target.dataset.kbWalk); });
                    }
                    return n;""");
            System.out.printf("keyboard walk of %s: %d controls%n", page, controls.intValue());
            walked += controls.intValue();
            for (int i = 0; i < controls.intValue() + 12; i++) {
                pressTab();
            }
            @SuppressWarnings("unchecked")
            List<String> missed = (List<String>) js.executeScript("""
                    return [...document.querySelectorAll('[data-kb-walk]')]
                      .filter((e) => !window.kbSeen.has(e.dataset.kbWalk) && e.getClientRects().length > 0)
                      .map((e) => e.outerHTML.slice(0, 120));""");
            assertThat(missed).as("controls of " + page + " that Tab never reached").isEmpty();
            js.executeScript("document.querySelectorAll('[data-kb-walk]').forEach((e) => delete e.dataset.kbWalk);");
        }
        assertThat(walked).as("controls walked on all pages").isGreaterThan(25); // 32 today
    }

    // ---------------------------------------------------------------- helpers

    private static void tabUntil(String what, String condition) {
        for (int i = 0; i < 40; i++) {
            if (Boolean.TRUE.equals(js.executeScript("return " + condition + ";"))) {
                return;
            }
            pressTab();
        }
        throw new AssertionError("Tab never reached " + what);
    }

    // a key press to the page, not to an element: sendKeys on a file input would take it as a file name
    private static void pressTab() {
        new Actions(browser).sendKeys(Keys.TAB).perform();
    }

    private static List<String> gridCameras() {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) js.executeScript(
                "return [...document.querySelectorAll('.tiles .player')].map(p => p.dataset.camera);");
        return ids;
    }

    private static void submitCamera(String id, String url, String name) {
        for (Map.Entry<String, String> field : Map.of("add-camera_id", id, "add-rtsp_url", url, "add-name", name).entrySet()) {
            WebElement input = browser.findElement(By.id(field.getKey()));
            input.clear();
            input.sendKeys(field.getValue());
        }
        browser.findElement(By.cssSelector("#add-camera button[type=submit]")).click();
    }

    /** The message the API itself gives for this add request. */
    private static String apiRefusal(String id, String url) {
        Api.Response r = api.postJson("/api/stream/cameras/add", Api.JSON.createObjectNode()
                .put("camera_id", id).put("rtsp_url", url).put("enable_analytics", false).put("tls_verify", true).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().path("message").asText();
    }

    private static String rowState(String id) {
        return (String) js.executeScript("const r = document.getElementById('camera-' + arguments[0]); return r ? r.dataset.state : null;", id);
    }

    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector("td." + column)).getText();
    }


    private static double currentTime(WebElement video) {
        Number t = (Number) js.executeScript("return arguments[0].currentTime;", video);
        return t == null ? 0 : t.doubleValue();
    }

    private static List<JsonNode> sessionsOf(String cameraId) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/api/stream/playback/sessions").json().path("sessions")
                .forEach(s -> { if (cameraId.equals(s.path("camera_id").asText())) found.add(s); });
        return found;
    }

    private static JsonNode onlySessionOf(String cameraId) {
        List<JsonNode> sessions = sessionsOf(cameraId);
        assertThat(sessions).as("sessions of " + cameraId).hasSize(1);
        return sessions.get(0);
    }


}
