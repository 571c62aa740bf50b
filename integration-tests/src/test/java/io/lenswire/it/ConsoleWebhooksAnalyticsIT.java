package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.BrowserConsole;
import io.lenswire.it.support.ConsolePage;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Screenshots;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;
import io.lenswire.it.support.WebhookReceiver;

/**
 * The console's webhooks and analytics pages in headless Chromium, against the real server, a
 * real webhook receiver on 127.0.0.1 and a real RTSP camera showing a face: a webhook created
 * through the page, its secret shown once (the very secret that signs what the receiver gets) and
 * gone after leaving the page; the API's error beside the url field; a test event delivered and
 * shown without reload; a failing delivery shown failed with its attempts, then retried to
 * delivered; deletion behind a dialog; the analytics counters growing and the charts drawing.
 * Every step checks the browser console for errors and saves screenshots to docs/console. The
 * tests run in order on one server, one browser tab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleWebhooksAnalyticsIT {

    private static final Pattern DELIVERY_ID = Pattern.compile("\\(delivery (\\d+)\\)");

    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;
    private static WebhookReceiver receiver;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;
    /** The page in the browser, and the errors the current step expects in its console. */
    private static ConsolePage page;
    /** The webhook the page created, and the secret it showed once. */
    private static String webhookId;
    private static String secret;

    @BeforeAll
    static void start() throws Exception {
        // a face most of the time: the analytics counters and the faces chart have something to count
        Path work = TestPaths.target().resolve("console-analytics-it");
        Path loop = Faces.loopDir(work, "loop", "obama2", "obama2", "pattern", "obama2");
        rtsp = RtspServer.start(null, "/faces=jpegdir:" + loop);
        receiver = WebhookReceiver.start("console");
        app = LenswireProcess.start("console-hooks",
                // a failing delivery is failed after three quick attempts, not after hours
                "--lenswire.webhooks.retry-schedule=300ms,300ms",
                "--lenswire.webhooks.retry-jitter=0.2",
                "--lenswire.analytics.models-dir=" + Faces.models(),
                "--lenswire.analytics.recognition.recognizer=builtin",
                // a few analysed frames a second are plenty for the page, and spare the shared machine
                "--lenswire.analytics.max-fps=4");
        api = app.api();
        page = ConsolePage.start();
        browser = page.browser();
        js = browser;
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
        if (receiver != null) receiver.close();
        if (rtsp != null) rtsp.close();
    }

    /** No page may log an error but the refusals its step provoked on purpose. */
    @AfterEach
    void theBrowserConsoleHasNoErrors() {
        page.assertNoUnexpectedErrors();
    }

    @Test
    @Order(1)
    void signInAndOpenTheWebhooksPage() {
        page.signIn(api.base());
        browser.findElement(By.cssSelector("header nav a[href='#/webhooks']")).click();
        page.waitFor(By.id("add-webhook"));
        assertThat(browser.getTitle()).isEqualTo("Webhooks · Lenswire");
        Wait.until("the empty list said so", Duration.ofSeconds(10), () -> browser.findElement(By.cssSelector(".webhooks .empty")).isDisplayed());
    }

    @Test
    @Order(2)
    void anInvalidUrlShowsTheApiErrorBesideTheUrlField() {
        page.expectError(e -> e.contains("/api/webhooks") && e.contains("400"));
        fillWebhook("ftp://127.0.0.1/hooks", "bad", "webhook.test");
        WebElement urlError = page.waitForVisible(By.id("hook-url-error"));
        Api.Response refusal = api.postJson("/api/webhooks", createBody("ftp://127.0.0.1/hooks", "bad", "webhook.test"));
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.json().path("field").asText()).isEqualTo("url");
        assertThat(urlError.getText()).isEqualTo(refusal.json().path("message").asText()).startsWith("'url' ");
        assertThat(browser.findElement(By.id("hook-url")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(js.executeScript("return document.activeElement.id;")).isEqualTo("hook-url");
        assertThat(browser.findElement(By.id("hook-events-error")).isDisplayed()).isFalse();

        // no event type: the message goes beside the events instead, and the url's is gone
        fillWebhook(receiver.url(), "bad");
        WebElement eventsError = page.waitForVisible(By.id("hook-events-error"));
        assertThat(eventsError.getText()).startsWith("'events' ");
        assertThat(browser.findElement(By.id("hook-url-error")).isDisplayed()).isFalse();
        assertThat(api.get("/api/webhooks").json().path("webhooks")).as("nothing created").isEmpty();
    }

    @Test
    @Order(3)
    void theSecretIsShownOnceAndSignsTheTestEventTheReceiverGets() throws Exception {
        fillWebhook(receiver.url(), "Console test receiver", "webhook.test", "camera.offline");
        WebElement panel = page.waitForVisible(By.id("hook-secret"));
        secret = panel.findElement(By.id("hook-secret-value")).getText();
        assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
        JsonNode hooks = api.get("/api/webhooks").json().path("webhooks");
        assertThat(hooks).hasSize(1);
        webhookId = hooks.get(0).path("id").asText();
        assertThat(hooks.get(0).path("url").asText()).isEqualTo(receiver.url());
        assertThat(hooks.get(0).path("events").toString()).isEqualTo("[\"camera.offline\",\"webhook.test\"]");
        assertThat(panel.findElement(By.tagName("h3")).getText()).isEqualTo("The secret of " + webhookId);
        Wait.until("the new webhook listed", Duration.ofSeconds(10), () -> !browser.findElements(By.id("webhook-" + webhookId)).isEmpty());
        WebElement row = browser.findElement(By.id("webhook-" + webhookId));
        assertThat(cell(row, "url")).isEqualTo(receiver.url());
        assertThat(cell(row, "state")).isEqualTo("enabled");

        // copy: the clipboard, or (when the browser refuses it) the secret selected for Ctrl+C
        browser.findElement(By.id("hook-secret-copy")).click();
        Wait.until("a copy answer", Duration.ofSeconds(5), () -> !page.text("#hook-secret-copied").isEmpty());
        if (page.text("#hook-secret-copied").startsWith("Copied")) {
            System.out.println("console webhooks: the secret went to the clipboard");
        } else {
            assertThat(js.executeScript("return getSelection().toString();")).as("the selected text").isEqualTo(secret);
            System.out.println("console webhooks: clipboard refused, the secret was selected");
        }
        Screenshots.saveWideAndNarrow(browser, "webhooks");

        // leave the page and come back: the secret is nowhere any more
        browser.findElement(By.cssSelector("header nav a[href='#/cameras']")).click();
        page.waitFor(By.id("camera-list"));
        browser.findElement(By.cssSelector("header nav a[href='#/webhooks']")).click();
        Wait.until("the webhook listed again", Duration.ofSeconds(10), () -> !browser.findElements(By.id("webhook-" + webhookId)).isEmpty());
        assertThat(browser.findElement(By.id("hook-secret")).isDisplayed()).isFalse();
        assertThat(js.executeScript("return document.getElementById('hook-secret-value').textContent;")).isEqualTo("");
        assertThat((Boolean) js.executeScript("return document.documentElement.outerHTML.includes(arguments[0])"
                + " || JSON.stringify(sessionStorage).includes(arguments[0]) || JSON.stringify(localStorage).includes(arguments[0]);", secret))
                .as("the secret anywhere in the page or the storage").isFalse();

        // "Send test" on the list: the receiver gets it, signed with the secret the page showed
        browser.findElement(By.cssSelector("[aria-label='Send a test event to " + webhookId + "']")).click();
        Wait.until("the test acknowledged", Duration.ofSeconds(10), () -> page.text("#hook-action").startsWith("Test event sent to " + webhookId));
        long deliveryId = deliveryIdIn(page.text("#hook-action"));
        WebhookReceiver.Request delivered = receiver.await(1, Duration.ofSeconds(10)).get(0);
        assertThat(delivered.json().path("type").asText()).isEqualTo("webhook.test");
        new Webhook(secret).verify(delivered.body(), delivered.httpHeaders()); // throws unless signed with it
        JsonNode fromApi = delivery(deliveryId);
        assertThat(fromApi.path("event_id").asText()).isEqualTo(delivered.header("webhook-id"));
    }

    @Test
    @Order(4)
    void theDeliveriesShowATestEventDeliveredWithoutReload() {
        browser.findElement(By.cssSelector("#hook-action a")).click();
        page.waitFor(By.id("delivery-list"));
        assertThat(page.text("#deliveries-title")).isEqualTo("Deliveries of " + webhookId);
        Wait.until("the first delivery listed delivered", Duration.ofSeconds(10),
                () -> browser.findElements(By.cssSelector("#delivery-list tr[data-status=delivered]")).size() == 1);
        js.executeScript("window.sameDocument = true;");

        browser.findElement(By.id("send-test")).click();
        Wait.until("the test acknowledged", Duration.ofSeconds(10), () -> page.text("#delivery-action").startsWith("Test event sent"));
        long deliveryId = deliveryIdIn(page.text("#delivery-action"));
        Wait.until("delivery " + deliveryId + " shown delivered", Duration.ofSeconds(15), () -> "delivered".equals(status(deliveryId)));
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        WebElement row = browser.findElement(By.id("delivery-" + deliveryId));
        assertThat(cell(row, "event")).isEqualTo("webhook.test");
        assertThat(cell(row, "attempts")).isEqualTo("1");
        assertThat(cell(row, "result")).isEqualTo("HTTP 200");
        assertThat(row.findElements(By.cssSelector("button.retry"))).as("no retry on a delivered one").isEmpty();
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    @Order(5)
    void aFailingDeliveryShowsFailedWithItsAttemptsAndARetryDeliversIt() throws Exception {
        receiver.answer(500);
        long previous = deliveryIdIn(page.text("#delivery-action"));
        browser.findElement(By.id("send-test")).click();
        Wait.until("the test acknowledged", Duration.ofSeconds(10),
                () -> DELIVERY_ID.matcher(page.text("#delivery-action")).find() && deliveryIdIn(page.text("#delivery-action")) != previous);
        long deliveryId = deliveryIdIn(page.text("#delivery-action"));
        Wait.until("delivery " + deliveryId + " shown failed", Duration.ofSeconds(20), () -> "failed".equals(status(deliveryId)));
        JsonNode failed = delivery(deliveryId);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("attempt_count").asInt()).isEqualTo(3);
        WebElement row = browser.findElement(By.id("delivery-" + deliveryId));
        assertThat(cell(row, "attempts")).isEqualTo("3");
        assertThat(cell(row, "result")).isEqualTo("HTTP 500");
        assertThat(browser.findElements(By.cssSelector("#delivery-list button.retry"))).as("a retry button on the failed one only").hasSize(1);
        assertThat(row.findElements(By.cssSelector("button.retry"))).hasSize(1);
        Screenshots.saveWideAndNarrow(browser, "webhook-deliveries");

        receiver.answer(200);
        row.findElement(By.cssSelector("button.retry")).click();
        Wait.until("delivery " + deliveryId + " shown delivered", Duration.ofSeconds(15), () -> "delivered".equals(status(deliveryId)));
        assertThat(cell(row, "attempts")).isEqualTo("4");
        assertThat(cell(row, "result")).isEqualTo("HTTP 200");
        assertThat(row.findElements(By.cssSelector("button.retry"))).as("no retry once delivered").isEmpty();
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        String eventId = delivery(deliveryId).path("event_id").asText();
        List<WebhookReceiver.Request> attempts = receiver.requests(r -> eventId.equals(r.header("webhook-id")));
        assertThat(attempts).as("three failed attempts and the retry").hasSize(4);
        for (WebhookReceiver.Request attempt : attempts) {
            new Webhook(secret).verify(attempt.body(), attempt.httpHeaders());
        }
    }

    @Test
    @Order(6)
    void deletingAWebhookAsksFirst() {
        browser.findElement(By.cssSelector(".deliveries a[href='#/webhooks']")).click();
        Wait.until("the webhook listed", Duration.ofSeconds(10), () -> !browser.findElements(By.id("webhook-" + webhookId)).isEmpty());
        browser.findElement(By.cssSelector("[aria-label='Delete " + webhookId + "']")).click();
        WebElement dialog = page.waitForVisible(By.id("delete-dialog"));
        assertThat(dialog.findElement(By.tagName("h3")).getText()).isEqualTo("Delete webhook " + webhookId + "?");
        dialog.findElement(By.cssSelector("button[value=cancel]")).click();
        assertThat(api.get("/api/webhooks/" + webhookId).status()).isEqualTo(200);
        assertThat(browser.findElements(By.id("webhook-" + webhookId))).hasSize(1);

        browser.findElement(By.cssSelector("[aria-label='Delete " + webhookId + "']")).click();
        page.waitForVisible(By.id("delete-confirm")).click();
        Wait.until("the webhook gone from the list", Duration.ofSeconds(10), () -> browser.findElements(By.id("webhook-" + webhookId)).isEmpty());
        assertThat(page.text("#hook-action")).isEqualTo("Webhook " + webhookId + " deleted.");
        assertThat(api.get("/api/webhooks/" + webhookId).status()).isEqualTo(404);

        // its deliveries page (a bookmark) says so, and stops asking
        page.expectError(e -> e.contains("/api/webhooks/" + webhookId) && e.contains("404"));
        js.executeScript("location.hash = '#/webhooks/' + arguments[0];", webhookId);
        Wait.until("the page to say it is gone", Duration.ofSeconds(10),
                () -> page.text(".deliveries .poll-error").equals("There is no webhook " + webhookId + " (any more)."));
        assertThat(browser.findElement(By.id("send-test")).isEnabled()).isFalse();
        BrowserConsole.errors(browser);
        Wait.sleep(2500); // a poll's time later: no new 404
        assertThat(BrowserConsole.errors(browser)).as("requests after the 404").isEmpty();
    }

    @Test
    @Order(7)
    void analyticsCountsGrowAndTheChartsDrawWithoutReload() {
        ObjectNode camera = Api.JSON.createObjectNode().put("camera_id", "faces").put("rtsp_url", rtsp.url("/faces"))
                .put("enable_analytics", true);
        assertThat(api.postJson("/api/stream/cameras/add", camera.toString()).status()).isEqualTo(201);
        browser.findElement(By.cssSelector("header nav a[href='#/analytics']")).click();
        js.executeScript("window.sameDocument = true;");
        Wait.until("the camera's row", Duration.ofSeconds(30), () -> frames("faces") > 0);
        long first = frames("faces");
        Wait.until("more frames analysed", Duration.ofSeconds(15), () -> frames("faces") > first);
        long shownFrames = frames("faces");
        assertThat(shownFrames).isLessThanOrEqualTo(api.get("/api/stream/analytics/stats?camera_id=faces").json()
                .path("stats").path("frames_processed").asLong());
        assertThat(page.text("#analytics-faces td.frames")).isEqualTo(String.valueOf(shownFrames));
        assertThat(page.text(".analytics .recognizer")).startsWith("Recognizer: builtin-lbp.");

        for (String series : List.of("timePerFrame", "facesPerMinute", "dropsPerMinute")) {
            String chart = "#chart-faces-" + series;
            Wait.until(series + " drawn with two points or more", Duration.ofSeconds(20), () -> points(chart) >= 2);
            String label = browser.findElement(By.cssSelector(chart + " svg")).getDomAttribute("aria-label");
            assertThat(label).as(series).containsPattern(": now [0-9.]+ (ms|/min), highest [0-9.]+ (ms|/min) over the last ");
            assertThat((String) js.executeScript("return document.querySelector(arguments[0] + ' svg title').textContent;", chart)).isEqualTo(label);
        }
        Wait.until("faces counted", Duration.ofSeconds(20), () -> Long.parseLong(page.text("#analytics-faces td.faces")) > 0);
        Wait.until("a face rate above 0", Duration.ofSeconds(20),
                () -> browser.findElement(By.cssSelector("#chart-faces-facesPerMinute svg")).getDomAttribute("aria-label")
                        .matches(".*: now [1-9][0-9]* /min.*"));
        int drawn = points("#chart-faces-timePerFrame");
        // a few more points: the chart keeps drawing without reload (and the screenshot shows a trend)
        Wait.until("the chart drawn on", Duration.ofSeconds(15), () -> points("#chart-faces-timePerFrame") >= Math.max(5, drawn + 1));
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        Screenshots.saveWideAndNarrow(browser, "analytics");
    }

    // ---------------------------------------------------------------- helpers

    private static String createBody(String url, String description, String... events) {
        ObjectNode body = Api.JSON.createObjectNode().put("url", url).put("description", description);
        var list = body.putArray("events");
        for (String e : events) {
            list.add(e);
        }
        return body.toString();
    }

    private static void fillWebhook(String url, String description, String... events) {
        WebElement urlInput = browser.findElement(By.id("hook-url"));
        urlInput.clear();
        urlInput.sendKeys(url);
        WebElement descriptionInput = browser.findElement(By.id("hook-description"));
        descriptionInput.clear();
        descriptionInput.sendKeys(description);
        for (WebElement box : browser.findElements(By.cssSelector("#add-webhook input[name=events]"))) {
            boolean wanted = List.of(events).contains(box.getDomAttribute("value"));
            if (box.isSelected() != wanted) {
                box.click();
            }
        }
        browser.findElement(By.cssSelector("#add-webhook button[type=submit]")).click();
    }

    private static long deliveryIdIn(String message) {
        Matcher m = DELIVERY_ID.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static JsonNode delivery(long id) {
        for (JsonNode d : api.get("/api/webhooks/" + webhookId + "/deliveries").json().path("deliveries")) {
            if (d.path("id").asLong() == id) {
                return d;
            }
        }
        throw new AssertionError("no delivery " + id + " of " + webhookId);
    }

    private static String status(long deliveryId) {
        return (String) js.executeScript("const r = document.getElementById('delivery-' + arguments[0]); return r ? r.dataset.status : null;",
                String.valueOf(deliveryId));
    }

    private static long frames(String cameraId) {
        Object f = js.executeScript("const r = document.getElementById('analytics-' + arguments[0]); return r ? r.dataset.frames : null;", cameraId);
        return f == null ? 0 : Long.parseLong((String) f);
    }

    /** The points of a chart's polyline. */
    private static int points(String chart) {
        String p = (String) js.executeScript("return document.querySelector(arguments[0] + ' polyline').getAttribute('points');", chart);
        return p == null || p.isBlank() ? 0 : p.trim().split("\\s+").length;
    }

    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector("td." + column)).getText();
    }



}
