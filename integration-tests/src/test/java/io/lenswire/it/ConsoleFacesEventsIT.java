package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

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
import org.openqa.selenium.support.ui.Select;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.ConsolePage;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Screenshots;
import io.lenswire.it.support.ScriptedReceiver;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;

/**
 * The console's faces and events pages in headless Chromium, against the real server (default
 * recognizer with the shared models) and a real RTSP camera that shows Obama for 4 s in every
 * 14 (EventsEndToEndIT's loop): enrolling him through the page from the shared photo (file input)
 * and adding a photo by a drop, the API's refusal of a photo without a face beside its control,
 * his {@code face.recognized} arriving in the events page's live feed without a reload, with its
 * face thumbnail, filters, the frame snapshot in a dialog, and deleting him after a confirmation.
 * The tests run in order on one server, one browser tab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleFacesEventsIT {

    static final String CAMERA = "door";
    /** A camera whose RTSP path does not exist: it goes offline, a second camera and type to filter. */
    static final String BROKEN = "attic";

    private static Path work;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;
    private static long obamaId;
    /** The page in the browser, and the errors the current step expects in its console. */
    private static ConsolePage page;

    @BeforeAll
    static void start() throws Exception {
        work = TestPaths.target().resolve("console-faces-events-it");
        rtsp = RtspServer.start(null, "/door=jpegdir:" + Faces.loopDir(work, "loop", EventsEndToEndIT.LOOP));
        app = LenswireProcess.start("console-faces-events",
                "--lenswire.analytics.models-dir=" + Faces.models(),
                // a new visit every loop (10 s away > 6 s), so one face.recognized per 14 s
                "--lenswire.events.recognized-cooldown=6s",
                "--lenswire.events.camera-offline-grace=1s");
        api = app.api();
        page = ConsolePage.start();
        browser = page.browser();
        js = browser;
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    /** No page may log an error but the refusals its step provoked on purpose. */
    @AfterEach
    void theBrowserConsoleHasNoErrors() {
        page.assertNoUnexpectedErrors();
    }

    @Test
    @Order(1)
    void aPersonIsEnrolledFromAChosenPhotoAndShownWithIt() {
        page.signIn(api.base());
        browser.findElement(By.cssSelector("header nav a[href='#/faces']")).click();
        page.waitForVisible(By.cssSelector(".faces .empty"));

        browser.findElement(By.id("enroll-name")).sendKeys("Barack Obama");
        // the keyboard way: the file input itself
        browser.findElement(By.id("enroll-images")).sendKeys(Faces.photo("obama.jpg").toString());
        assertThat(browser.findElement(By.id("enroll-images-chosen")).getText()).isEqualTo("obama.jpg");
        browser.findElement(By.cssSelector("#enroll button[type=submit]")).click();

        Wait.until("the enrollment confirmed", Duration.ofSeconds(20), () -> !page.text("#enroll-done").isEmpty());
        JsonNode persons = api.get("/api/faces").json().path("persons");
        assertThat(persons).hasSize(1);
        obamaId = persons.get(0).path("id").asLong();
        assertThat(persons.get(0).path("images")).hasSize(1);
        assertThat(page.text("#enroll-done")).isEqualTo("Barack Obama enrolled (id " + obamaId + ") with 1 photo.");
        WebElement card = page.waitFor(By.id("person-" + obamaId));
        assertThat(card.findElement(By.cssSelector(".name")).getText()).isEqualTo("Barack Obama");
        // the stored photo, fetched with the key, decoded at the size the API reports
        Wait.until("the photo shown", Duration.ofSeconds(10), () -> naturalWidths("#person-" + obamaId + " .photos-strip img").equals(
                List.of(persons.get(0).path("images").get(0).path("width").asLong())));
        assertThat(browser.findElement(By.id("enroll-name")).getDomProperty("value")).as("the form is reset").isEmpty();
    }

    @Test
    @Order(2)
    void aDroppedPhotoIsAddedToThePerson() throws IOException {
        js.executeScript("window.sameDocument = true;");
        dropPhoto("person-" + obamaId + "-images-drop", Faces.photo("obama2.jpg"));
        Wait.until("the added photo confirmed", Duration.ofSeconds(20),
                () -> page.text("#person-" + obamaId + " .person-done").equals("1 photo added: 2 in all."));
        JsonNode images = api.get("/api/faces").json().path("persons").get(0).path("images");
        assertThat(images).hasSize(2);
        assertThat(images.get(1).path("file_name").asText()).isEqualTo("obama2.jpg");
        Wait.until("both photos shown", Duration.ofSeconds(10), () -> naturalWidths("#person-" + obamaId + " .photos-strip img")
                .equals(List.of(images.get(0).path("width").asLong(), images.get(1).path("width").asLong())));
        assertThat(page.text("#person-" + obamaId + " .count")).isEqualTo("2 photos");
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        Screenshots.saveWideAndNarrow(browser, "faces");
    }

    @Test
    @Order(3)
    void aPhotoWithoutAFaceShowsTheApiRefusalBesideThePhotos() {
        Path pattern = Faces.scene(work, "pattern");
        page.expectError(e -> e.contains("/api/faces") && e.contains("400"));
        browser.findElement(By.id("enroll-name")).sendKeys("Nobody");
        browser.findElement(By.id("enroll-images")).sendKeys(pattern.toString());
        browser.findElement(By.cssSelector("#enroll button[type=submit]")).click();

        WebElement error = page.waitForVisible(By.id("enroll-images-error"));
        Api.Response refusal = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                Faces.Part.text("name", "Nobody"), Faces.Part.file(pattern));
        assertThat(refusal.status()).as(refusal.body()).isEqualTo(400);
        assertThat(error.getText()).isEqualTo(refusal.json().path("message").asText()).contains("no face found");
        assertThat(browser.findElement(By.id("enroll-images")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("enroll-name-error")).isDisplayed()).isFalse();
        assertThat(api.get("/api/faces").json().path("persons")).as("nothing enrolled").hasSize(1);
        Screenshots.save(browser, "faces-refusal-wide");
    }

    @Test
    @Order(4)
    void aRecognizedFaceAppearsInTheLiveFeedWithItsThumbnailWithoutReload() {
        browser.findElement(By.cssSelector("header nav a[href='#/events']")).click();
        Wait.until("the live feed open", Duration.ofSeconds(10), () -> "Live".equals(page.text("#live-status")));
        js.executeScript("window.sameDocument = true;");
        assertThat(browser.findElements(By.cssSelector("#event-list .type-face-recognized"))).isEmpty();

        assertThat(FaceAnalyticsIT.addAnalyticsCamera(api, CAMERA, rtsp.url("/door")).status()).isEqualTo(201);
        assertThat(api.addCamera(BROKEN, rtsp.url("/missing")).status()).isEqualTo(201);
        Wait.until("face.recognized in the live feed", Duration.ofSeconds(60),
                () -> !browser.findElements(By.cssSelector("#event-list .type-face-recognized")).isEmpty());
        WebElement item = browser.findElement(By.cssSelector("#event-list .type-face-recognized"));
        String id = item.getDomAttribute("id");
        assertThat(storedIds("type=face.recognized")).contains(id.substring("event-".length()));
        assertThat(item.getText()).contains("Barack Obama on " + CAMERA);
        Wait.until("its face thumbnail decoded", Duration.ofSeconds(10), () -> {
            List<Long> widths = naturalWidths("#" + id + " img.thumb");
            return widths.size() == 1 && widths.get(0) > 0;
        });
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        Wait.until("attic offline in the live feed", Duration.ofSeconds(20),
                () -> !browser.findElements(By.cssSelector("#event-list .type-camera-offline")).isEmpty());
        Screenshots.saveWideAndNarrow(browser, "events");
    }

    @Test
    @Order(5)
    void filtersNarrowTheListAndTheLiveFeed() {
        new Select(browser.findElement(By.id("filter-camera"))).selectByValue(BROKEN);
        Wait.until("attic's events only", Duration.ofSeconds(10), () -> listed().equals(storedIds("camera_id=" + BROKEN)));
        assertThat(listed()).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#event-list .type-face-recognized"))).isEmpty();

        new Select(browser.findElement(By.id("filter-camera"))).selectByValue("");
        new Select(browser.findElement(By.id("filter-person"))).selectByValue(String.valueOf(obamaId));
        Wait.until("Obama's events only", Duration.ofSeconds(10), () -> listed().equals(storedIds("person_id=" + obamaId)));
        assertThat(browser.findElements(By.cssSelector("#event-list .event:not(.type-face-recognized)"))).isEmpty();
        // his next visit arrives live through the filter
        int before = listed().size();
        Wait.until("his next visit in the live feed", Duration.ofSeconds(30), () -> listed().size() > before);
        assertThat(listed()).isEqualTo(storedIds("person_id=" + obamaId));

        // a type that excludes him: his next visit is stored but not listed
        new Select(browser.findElement(By.id("filter-person"))).selectByValue("");
        new Select(browser.findElement(By.id("filter-type"))).selectByValue("camera.offline");
        Wait.until("offline events only", Duration.ofSeconds(10), () -> listed().equals(storedIds("type=camera.offline")));
        int recognized = storedIds("type=face.recognized").size();
        Wait.until("another visit stored", Duration.ofSeconds(30), () -> storedIds("type=face.recognized").size() > recognized);
        Wait.sleep(1000); // the stream is as fast as the store, give it a moment to (wrongly) show it
        assertThat(listed()).isEqualTo(storedIds("type=camera.offline"));
        assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
        new Select(browser.findElement(By.id("filter-type"))).selectByValue("face.recognized");
        Wait.until("recognized events only", Duration.ofSeconds(10), () -> listed().equals(storedIds("type=face.recognized")));
    }

    @Test
    @Order(6)
    void clickingAnEventOpensItsFrameSnapshot() throws IOException {
        WebElement first = browser.findElement(By.cssSelector("#event-list .type-face-recognized button.event-body"));
        String eventId = first.findElement(By.xpath("..")).getDomAttribute("id").substring("event-".length());
        first.click();
        WebElement dialog = page.waitForVisible(By.id("snapshot-dialog"));
        Api.Binary frame = api.getBytes("/api/events/" + eventId + "/snapshot.jpg?kind=frame");
        assertThat(frame.status()).isEqualTo(200);
        BufferedImage expected = ImageIO.read(new ByteArrayInputStream(frame.body()));
        Wait.until("the frame decoded", Duration.ofSeconds(10),
                () -> naturalWidths("#snapshot-frame").equals(List.of((long) expected.getWidth())));
        assertThat(dialog.findElement(By.tagName("h3")).getText()).startsWith("Barack Obama on " + CAMERA);
        Screenshots.save(browser, "events-snapshot-wide");
        dialog.findElement(By.cssSelector("button[value=close]")).click();
        Wait.until("the dialog closed", Duration.ofSeconds(5), () -> !dialog.isDisplayed());
        assertThat(browser.findElement(By.id("snapshot-frame")).getDomAttribute("src")).as("its object URL released").isNull();
    }

    @Test
    @Order(7)
    void olderEventsComeAPageAtATime() {
        try (ScriptedReceiver receiver = ScriptedReceiver.start(0, r -> 200)) {
            Api.Response hook = api.postJson("/api/webhooks", Api.JSON.createObjectNode().put("url", receiver.url("/hook"))
                    .set("events", Api.JSON.createArrayNode().add("camera.online")).toString());
            assertThat(hook.status()).as(hook.body()).isEqualTo(201);
            String hookId = hook.json().path("webhook").path("id").asText();
            new Select(browser.findElement(By.id("filter-type"))).selectByValue("webhook.test");
            Wait.until("no test events yet", Duration.ofSeconds(10), () -> listed().isEmpty());
            assertThat(browser.findElement(By.id("load-older")).isDisplayed()).isFalse();
            // more than one page (25) of test events: they arrive live, one by one
            for (int i = 0; i < 30; i++) {
                Api.Response sent = api.postJson("/api/webhooks/" + hookId + "/test", "");
                assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            }
            Wait.until("30 test events in the live feed", Duration.ofSeconds(15), () -> listed().size() == 30);
            List<String> stored = storedIds("type=webhook.test");
            assertThat(listed()).isEqualTo(stored);

            // the history again: one page, then the older ones with the cursor
            new Select(browser.findElement(By.id("filter-type"))).selectByValue("camera.offline");
            Wait.until("offline events only", Duration.ofSeconds(10), () -> listed().equals(storedIds("type=camera.offline")));
            new Select(browser.findElement(By.id("filter-type"))).selectByValue("webhook.test");
            Wait.until("the first page", Duration.ofSeconds(10), () -> listed().equals(stored.subList(0, 25)));
            WebElement older = page.waitForVisible(By.id("load-older"));
            older.click();
            Wait.until("the older page below it", Duration.ofSeconds(10), () -> listed().equals(stored));
            assertThat(older.isDisplayed()).as("no page after the last").isFalse();
            assertThat(api.delete("/api/webhooks/" + hookId).status()).isEqualTo(200);
        }
    }

    @Test
    @Order(8)
    void aDroppedStreamResumesWithLastEventIdAndMissesNothing() throws IOException {
        js.executeScript("window.sameDocument = true;");
        List<String> before = listed();
        assertThat(before).isNotEmpty();
        // the stream cannot reopen until the test lets it, so events are stored while the page is away
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/api/events/stream*")));
        page.expectError(e -> e.contains("/api/events/stream"));
        try (ScriptedReceiver receiver = ScriptedReceiver.start(0, r -> 200)) {
            app.restart(); // the server ends every stream as it stops
            Wait.until("'Reconnecting…' on the page", Duration.ofSeconds(10), () -> "Reconnecting\u2026".equals(page.text("#live-status")));
            Api.Response hook = api.postJson("/api/webhooks", Api.JSON.createObjectNode().put("url", receiver.url("/hook"))
                    .set("events", Api.JSON.createArrayNode().add("camera.online")).toString());
            assertThat(hook.status()).as(hook.body()).isEqualTo(201);
            String hookId = hook.json().path("webhook").path("id").asText();
            for (int i = 0; i < 3; i++) {
                assertThat(api.postJson("/api/webhooks/" + hookId + "/test", "").status()).isEqualTo(202);
            }
            Wait.sleep(2500); // a retry or more, blocked
            assertThat(listed()).as("nothing new while the stream is down").isEqualTo(before);

            browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
            Wait.until("the live feed open again", Duration.ofSeconds(10), () -> "Live".equals(page.text("#live-status")));
            Wait.until("the three events stored meanwhile", Duration.ofSeconds(10), () -> listed().size() == before.size() + 3);
            assertThat(api.postJson("/api/webhooks/" + hookId + "/test", "").status()).isEqualTo(202);
            Wait.until("and a live one", Duration.ofSeconds(10), () -> listed().size() == before.size() + 4);
            assertThat(listed()).as("no gap, no duplicate, newest first").isEqualTo(storedIds("type=webhook.test"));
            assertThat(js.executeScript("return window.sameDocument === true;")).as("no reload").isEqualTo(true);
            assertThat(api.delete("/api/webhooks/" + hookId).status()).isEqualTo(200);
        } finally {
            browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
            browser.executeCdpCommand("Network.disable", Map.of());
        }
    }

    @Test
    @Order(9)
    void deletingAPersonAsksFirst() {
        browser.findElement(By.cssSelector("header nav a[href='#/faces']")).click();
        WebElement delete = page.waitFor(By.cssSelector("[aria-label='Delete Barack Obama']"));
        delete.click();
        WebElement dialog = page.waitForVisible(By.id("delete-dialog"));
        assertThat(dialog.findElement(By.tagName("h3")).getText()).isEqualTo("Delete Barack Obama (id " + obamaId + ")?");
        dialog.findElement(By.cssSelector("button[value=cancel]")).click();
        Wait.sleep(500);
        assertThat(api.get("/api/faces").json().path("persons")).hasSize(1);
        assertThat(browser.findElements(By.id("person-" + obamaId))).hasSize(1);

        browser.findElement(By.cssSelector("[aria-label='Delete Barack Obama']")).click();
        page.waitForVisible(By.id("delete-confirm")).click();
        Wait.until("the card gone", Duration.ofSeconds(5), () -> browser.findElements(By.id("person-" + obamaId)).isEmpty());
        assertThat(api.get("/api/faces").json().path("persons")).isEmpty();
        assertThat(browser.findElement(By.cssSelector(".faces .empty")).isDisplayed()).isTrue();
    }

    /**
     * A tab left open keeps at most 300 events: the oldest shown go as new ones come, and "Older
     * events" brings them back from the store, with no gap and no duplicate.
     */
    @Test
    @Order(10)
    void theLiveFeedIsBoundedAndTheStoreBringsBackWhatItDropped() {
        browser.findElement(By.cssSelector("header nav a[href='#/events']")).click();
        page.waitFor(By.id("filter-type"));
        new Select(browser.findElement(By.id("filter-type"))).selectByValue("webhook.test");
        Wait.until("the first page", Duration.ofSeconds(10), () -> listed().equals(allStoredIds("type=webhook.test").subList(0, 25)));
        try (ScriptedReceiver receiver = ScriptedReceiver.start(0, r -> 200)) {
            Api.Response hook = api.postJson("/api/webhooks", Api.JSON.createObjectNode().put("url", receiver.url("/hook"))
                    .set("events", Api.JSON.createArrayNode().add("camera.online")).toString());
            assertThat(hook.status()).as(hook.body()).isEqualTo(201);
            String hookId = hook.json().path("webhook").path("id").asText();
            for (int i = 0; i < 300; i++) {
                Api.Response sent = api.postJson("/api/webhooks/" + hookId + "/test", "");
                assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            }
            List<String> stored = allStoredIds("type=webhook.test");
            assertThat(stored.size()).isGreaterThan(325);
            Wait.until("the newest 300 shown", Duration.ofSeconds(30), () -> listed().equals(stored.subList(0, 300)));
            WebElement older = page.waitForVisible(By.id("load-older"));
            older.click();
            // the page before the oldest shown one (which it may hold again: shown once)
            Wait.until("older events below them", Duration.ofSeconds(10), () -> listed().size() >= 324);
            List<String> shown = listed();
            assertThat(shown).as("no gap, no duplicate, newest first").isEqualTo(stored.subList(0, shown.size()));
            assertThat(page.text("#events-error")).as("no error").isEmpty();
            assertThat(api.delete("/api/webhooks/" + hookId).status()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Every stored event matching a filter, newest first, through all pages. */
    private static List<String> allStoredIds(String query) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            Api.Response r = api.get("/api/events?limit=100&" + query + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.json().path("events").forEach(e -> ids.add(e.path("event_id").asText()));
            cursor = r.json().path("next_cursor").isNull() ? null : r.json().path("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    /**
     * A drop of a file on an element, as the browser dispatches it: a DataTransfer holding a File
     * (built in the page from the photo's bytes, since a test cannot drag from the desktop).
     */
    private static void dropPhoto(String zoneId, Path photo) throws IOException {
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(photo));
        js.executeScript("""
                const bytes = Uint8Array.from(atob(arguments[1]), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], arguments[2], { type: 'image/jpeg' }));
                const zone = document.getElementById(arguments[0]);
                zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
                """, zoneId, base64, photo.getFileName().toString());
    }

    /** The ids of the events listed, top to bottom. */
    @SuppressWarnings("unchecked")
    private static List<String> listed() {
        return (List<String>) js.executeScript(
                "return [...document.querySelectorAll('#event-list > li')].map((li) => li.id.slice('event-'.length));");
    }

    /** The ids of the stored events matching a filter, newest first (the console's first page holds them all here). */
    private static List<String> storedIds(String query) {
        Api.Response r = api.get("/api/events?limit=100&" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("events").forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static List<Long> naturalWidths(String css) {
        return (List<Long>) js.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map((img) => img.complete ? img.naturalWidth : 0);", css);
    }



}
