package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.Faces.Part;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.ScriptedReceiver;
import io.lenswire.it.support.Wait;

/**
 * The headline chain, all real parts: a live RTSP camera shows Obama's face for 4 s, then 10 s of
 * test patterns, looping; Obama is enrolled from the same photo; analytics names him in dozens of
 * frames per visit, and a webhook endpoint from the configuration receives exactly one signed
 * {@code face.recognized} per visit (cooldown 6 s, shorter than the 10 s away, so every loop is a
 * new visit). Its snapshot is served by the events API and has a face in it (the server's own
 * enrollment, which needs exactly one face, accepts it). The shipped example user route
 * (docs/examples/recognized-names.yaml) is loaded from a directory and writes one line per alert.
 */
class EventsEndToEndIT {

    /** One scene per second: a 4 s visit, 10 s away. */
    static final String[] LOOP = {"obama", "obama", "obama", "obama", "pattern", "pattern", "bars", "bars", "pattern",
            "pattern", "bars", "bars", "pattern", "pattern"};
    static final Duration LOOP_PERIOD = Duration.ofSeconds(LOOP.length);
    static final Duration COOLDOWN = Duration.ofSeconds(6);
    static final String CAMERA = "door";
    static final String ENDPOINT = "e2e-receiver";
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));

    private static RtspServer rtsp;
    private static ScriptedReceiver receiver;
    private static LenswireProcess app;
    private static Api api;
    private static Path namesFile;

    @BeforeAll
    static void start() throws IOException {
        Path work = TestPaths.target().resolve("events-e2e-it");
        Path loop = Faces.loopDir(work, "loop", LOOP);
        rtsp = RtspServer.start(null, "/door=jpegdir:" + loop);
        receiver = ScriptedReceiver.start(0, r -> 200);

        // the shipped example, loaded from a directory of the user's as the docs say
        Path routes = TestPaths.scratch("lenswire-user-routes-");
        Files.copy(Path.of("..", "docs", "examples", "recognized-names.yaml"), routes.resolve("recognized-names.yaml"),
                StandardCopyOption.REPLACE_EXISTING);
        Path out = TestPaths.scratch("lenswire-events-out-");
        namesFile = out.resolve("recognized-names.txt");

        app = LenswireProcess.start("events-e2e",
                "--lenswire.analytics.models-dir=" + Faces.models(),
                "--lenswire.events.recognized-cooldown=" + COOLDOWN.toSeconds() + "s",
                "--lenswire.webhooks.endpoints[0].id=" + ENDPOINT,
                "--lenswire.webhooks.endpoints[0].url=" + receiver.url("/hooks/lenswire"),
                "--lenswire.webhooks.endpoints[0].events[0]=face.recognized",
                "--lenswire.webhooks.endpoints[0].secret=" + SECRET,
                "--camel.main.routes-include-pattern=classpath:routes/*.yaml,file:" + routes.toAbsolutePath() + "/*.yaml",
                "--lenswire.example.events-dir=" + out.toAbsolutePath());
        api = app.api();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (receiver != null) receiver.close();
    }

    private static List<ScriptedReceiver.Request> alerts() {
        return receiver.requests().stream()
                .sorted(Comparator.comparing(r -> r.json().path("data").path("captured_at").asText()))
                .toList();
    }

    private static List<String> namesFileLines() {
        try {
            return Files.exists(namesFile) ? Files.readAllLines(namesFile).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> storedRecognizedIds() {
        Api.Response r = api.get("/api/events?type=face.recognized&camera_id=" + CAMERA + "&limit=500");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("events").forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    @Test
    void oneSignedAlertPerVisitWithASnapshotOfTheFaceAndTheUserRouteWritesEachName() throws Exception {
        assertThat(api.get("/api/stream/health").json().path("analytics").path("status").asText()).isEqualTo("ready");
        JsonNode webhook = api.get("/api/webhooks/" + ENDPOINT).json().path("webhook");
        assertThat(webhook.path("origin").asText()).isEqualTo("config");
        assertThat(webhook.toString()).as("the secret is never shown").doesNotContain(SECRET.substring(6));

        Api.Response enrolled = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                Part.text("name", "Barack Obama"), Part.file(Faces.photo("obama.jpg")));
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        long obamaId = enrolled.json().path("person").path("id").asLong();

        ObjectNode camera = Api.JSON.createObjectNode().put("camera_id", CAMERA).put("rtsp_url", rtsp.url("/door"))
                .put("name", "Front door").put("enable_analytics", true);
        Api.Response added = api.postJson("/api/stream/cameras/add", camera.toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        Wait.until(CAMERA + " STREAMING", Duration.ofSeconds(20), () -> api.state(CAMERA).equals("STREAMING"));

        // three visits: at least two loops of the camera between the first alert and the last
        Wait.until("three face.recognized webhooks", Duration.ofSeconds(100), () -> receiver.requests().size() >= 3);
        // the receiver, the store and the user's file agree once no alert is on its way (11+ s of
        // every 14 s loop); a fourth visit may come in meanwhile, it is then checked like the rest
        Wait.until("receiver, event store and names file to agree", Duration.ofSeconds(30), () -> {
            List<String> received = receiver.requests().stream().map(ScriptedReceiver.Request::webhookId).sorted().toList();
            return received.equals(storedRecognizedIds().stream().sorted().toList()) && namesFileLines().size() == received.size();
        });
        JsonNode stats = api.get("/api/stream/analytics/stats?camera_id=" + CAMERA).json().path("stats");
        List<ScriptedReceiver.Request> alerts = alerts();
        List<String> lines = namesFileLines();
        System.out.printf("EventsEndToEndIT: %d alerts, captured at %s; analytics named faces in %d frames%n", alerts.size(),
                alerts.stream().map(a -> a.json().path("data").path("captured_at").asText()).toList(), stats.path("faces_recognized").asLong());

        // each alert: signed (verified by the spec's own library), complete, about this person and camera
        for (ScriptedReceiver.Request a : alerts) {
            assertThat(a.method()).isEqualTo("POST");
            assertThat(a.path()).isEqualTo("/hooks/lenswire");
            assertThat(a.header("content-type")).startsWith("application/json");
            assertThat(a.header("user-agent")).startsWith("Lenswire-Webhooks/");
            a.verify(SECRET);
            JsonNode body = a.json();
            assertThat(body.path("type").asText()).isEqualTo("face.recognized");
            assertThat(Instant.parse(body.path("timestamp").asText())).isBefore(Instant.now());
            JsonNode data = body.path("data");
            assertThat(data.path("event_id").asText()).isEqualTo(a.webhookId()).isNotBlank();
            assertThat(data.path("name").asText()).isEqualTo("Barack Obama");
            assertThat(data.path("person_id").asLong()).isEqualTo(obamaId);
            assertThat(data.path("camera_id").asText()).isEqualTo(CAMERA);
            assertThat(data.path("camera_name").asText()).isEqualTo("Front door");
            assertThat(data.path("similarity").isNumber()).as("similarity %s", data).isTrue();
            assertThat(data.path("similarity").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1.0);
            JsonNode bbox = data.path("bbox");
            assertThat(bbox).hasSize(4);
            double cx = bbox.get(0).asDouble() + bbox.get(2).asDouble() / 2;
            assertThat(cx).as("face centre x in %s (the photo spans 120-696)", bbox).isBetween(300.0, 560.0);
            assertThat(bbox.get(2).asDouble()).as("face width").isBetween(80.0, 400.0);
            assertThat(data.path("snapshot_url").asText()).isEqualTo("/api/events/" + a.webhookId() + "/snapshot.jpg");
            // the events API has the same event
            Api.Response stored = api.get("/api/events/" + a.webhookId());
            assertThat(stored.status()).as(stored.body()).isEqualTo(200);
            assertThat(stored.json().path("event").path("data")).isEqualTo(data);
        }
        assertThat(alerts.stream().map(ScriptedReceiver.Request::webhookId).distinct().count())
                .as("each alert delivered once (the receiver answered 200 every time)").isEqualTo(alerts.size());

        // one per visit: a visit is 4 s and gives dozens of named frames, the next one is 14 s later
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(3);
        List<Instant> captured = alerts.stream().map(a -> Instant.parse(a.json().path("data").path("captured_at").asText())).toList();
        for (int i = 1; i < captured.size(); i++) {
            Duration gap = Duration.between(captured.get(i - 1), captured.get(i));
            assertThat(gap).as("alert %d came %s after the one before (one per visit, visits %s apart)", i, gap, LOOP_PERIOD)
                    .isBetween(LOOP_PERIOD.minusSeconds(4), LOOP_PERIOD.plusSeconds(4));
        }
        assertThat(stats.path("faces_recognized").asLong()).as("frames in which analytics named a face")
                .isGreaterThanOrEqualTo(5L * alerts.size());

        // a tampered body or a wrong secret does not verify
        ScriptedReceiver.Request first = alerts.get(0);
        ScriptedReceiver.Request tampered = new ScriptedReceiver.Request(first.receivedAt(), first.method(), first.path(), first.headers(),
                first.body().replace("Barack Obama", "Barack Obamb"), first.answered());
        assertThatThrownBy(() -> tampered.verify(SECRET)).isInstanceOf(WebhookVerificationException.class);
        String wrong = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> first.verify(wrong)).isInstanceOf(WebhookVerificationException.class);

        // the user's route wrote one line per alert: when, where, who
        List<String> expected = alerts.stream().map(a -> a.json().path("data"))
                .map(d -> d.path("captured_at").asText() + " " + CAMERA + " Barack Obama").toList();
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);

        // the snapshots
        assertThat(api.delete("/api/stream/cameras/" + CAMERA).status()).isEqualTo(200);
        for (ScriptedReceiver.Request a : alerts) {
            String url = a.json().path("data").path("snapshot_url").asText();
            Api.Binary face = api.getBytes(url);
            assertThat(face.status()).isEqualTo(200);
            assertThat(face.contentType()).startsWith("image/jpeg");
            BufferedImage faceImage = ImageIO.read(new ByteArrayInputStream(face.body()));
            assertThat(faceImage).as("face snapshot decodes").isNotNull();
            Api.Binary frame = api.getBytes(url + "?kind=frame");
            assertThat(frame.status()).isEqualTo(200);
            assertThat(frame.contentType()).startsWith("image/jpeg");
            BufferedImage frameImage = ImageIO.read(new ByteArrayInputStream(frame.body()));
            assertThat(frameImage).as("frame snapshot decodes").isNotNull();
            assertThat(frameImage.getWidth()).isGreaterThanOrEqualTo(600);
            assertThat(faceImage.getWidth()).as("the face crop is smaller than the frame").isLessThan(frameImage.getWidth());
        }
        // a face is in it: the server's enrollment (YuNet) takes an image only with exactly one face
        byte[] snapshot = api.getBytes(first.json().path("data").path("snapshot_url").asText()).body();
        Api.Response fromSnapshot = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                Part.text("name", "Snapshot check"), Part.image("snapshot.jpg", snapshot));
        assertThat(fromSnapshot.status()).as(fromSnapshot.body()).isEqualTo(201);
        assertThat(api.delete("/api/faces/" + fromSnapshot.json().path("person").path("id").asLong()).status()).isEqualTo(200);
        // and the image that is not one: a test pattern frame is refused the same way
        Api.Response pattern = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY, Part.text("name", "Nobody"),
                Part.image("pattern.jpg", Files.readAllBytes(TestPaths.target().resolve("events-e2e-it").resolve("pattern.jpg"))));
        assertThat(pattern.status()).as(pattern.body()).isEqualTo(400);

        Api.Binary badKind = api.getBytes(first.json().path("data").path("snapshot_url").asText() + "?kind=nope");
        assertThat(badKind.status()).isEqualTo(400);
    }
}
