package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;

/**
 * An alert made later in a visit than the frame that announced it still has its snapshots: a
 * camera shows one face nobody enrolled, without a break, and {@code face.unknown} (cooldown 2 s)
 * fires again and again on the same track. Every one of those events has a face and a frame
 * snapshot that decode (before, only the first had any: snapshots were taken on the announcing
 * frame only, and a CI run once met a {@code face.recognized} without one the same way).
 */
class UnknownFaceSnapshotsIT {

    static final String CAMERA = "hall";
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        Path work = TestPaths.target().resolve("unknown-snapshots-it");
        rtsp = RtspServer.start(null, "/hall=jpegdir:" + Faces.loopDir(work, "loop", "biden"));
        app = LenswireProcess.start("unknown-snapshots",
                "--lenswire.analytics.models-dir=" + Faces.models(),
                "--lenswire.events.unknown-enabled=true",
                "--lenswire.events.unknown-cooldown=2s");
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    private static List<JsonNode> unknownEvents() {
        Api.Response r = api.get("/api/events?type=face.unknown&camera_id=" + CAMERA + "&limit=100");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().path("events").forEach(events::add);
        return events;
    }

    @Test
    void everyAlertOfALongVisitHasItsFaceAndFrameSnapshots() throws IOException {
        assertThat(FaceAnalyticsIT.addAnalyticsCamera(api, CAMERA, rtsp.url("/hall")).status()).isEqualTo(201);
        // the visit is settled after a decision window; then one alert per 2 s while it lasts
        Wait.until("four face.unknown events", Duration.ofSeconds(90), () -> unknownEvents().size() >= 4);
        List<JsonNode> events = unknownEvents();
        System.out.printf("UnknownFaceSnapshotsIT: %d face.unknown events%n", events.size());
        for (JsonNode e : events) {
            String id = e.path("event_id").asText();
            String url = e.path("data").path("snapshot_url").asText();
            assertThat(url).as("snapshot_url of %s", e).isEqualTo("/api/events/" + id + "/snapshot.jpg");
            Api.Binary face = api.getBytes(url);
            assertThat(face.status()).as("face snapshot of %s", id).isEqualTo(200);
            BufferedImage faceImage = ImageIO.read(new ByteArrayInputStream(face.body()));
            assertThat(faceImage).as("face snapshot of %s decodes", id).isNotNull();
            Api.Binary frame = api.getBytes(url + "?kind=frame");
            assertThat(frame.status()).as("frame snapshot of %s", id).isEqualTo(200);
            BufferedImage frameImage = ImageIO.read(new ByteArrayInputStream(frame.body()));
            assertThat(frameImage).as("frame snapshot of %s decodes", id).isNotNull();
            assertThat(faceImage.getWidth()).as("the face crop is smaller than the frame").isLessThan(frameImage.getWidth());
        }
    }
}
