package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.Faces.Part;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.ScriptedReceiver;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;

/**
 * Events once across a failover (issue 15): two nodes, a camera that shows Obama 4 s in every 14
 * (as in EventsEndToEndIT), analytics on its owner only. He is enrolled through the owner, so the
 * other node knows him only from the shared database; the owner is killed mid-stream. Every
 * {@code face.recognized} the cluster stored reaches the webhook receiver, and an event delivered
 * more than once always carries its one {@code webhook-id} (its event id).
 */
class ClusterFaceEventsIT {

    private static final String CAMERA = "door";

    private static RtspServer faces;
    private static ScriptedReceiver receiver;
    private static ClusterFixture cluster;

    @BeforeAll
    static void start() throws Exception {
        faces = RtspServer.start(null, "/door=jpegdir:"
                + Faces.loopDir(TestPaths.target().resolve("cluster-faces-it"), "loop", EventsEndToEndIT.LOOP));
        receiver = ScriptedReceiver.start(0, r -> 200);
        cluster = ClusterFixture.start(1, List.of("node-a", "node-b"),
                dir -> List.of("--lenswire.cluster.backend=file", "--lenswire.cluster.file-root=" + dir.resolve("locks")),
                List.of("--lenswire.analytics.models-dir=" + Faces.models(),
                        "--lenswire.events.recognized-cooldown=" + EventsEndToEndIT.COOLDOWN.toSeconds() + "s"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (receiver != null) receiver.close();
        if (faces != null) faces.close();
    }

    private static List<String> recognized() {
        return receiver.requests().stream().filter(r -> r.json().path("type").asText().equals("face.recognized"))
                .map(r -> r.json().path("data").path("event_id").asText()).toList();
    }

    @Test
    void everyRecognizedFaceIsDeliveredAcrossAFailoverAndNoneUnderTwoIds() {
        ObjectNode camera = Api.JSON.createObjectNode().put("camera_id", CAMERA).put("rtsp_url", faces.url("/door"))
                .put("name", "Front door").put("enable_analytics", true);
        Api.Response added = cluster.api("node-a").postJson("/api/stream/cameras/add", camera.toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        Wait.until(CAMERA + " STREAMING on one node", Duration.ofSeconds(60), () -> cluster.settled(List.of(CAMERA), faces));
        String owner = cluster.ownerOf(CAMERA);
        String survivor = cluster.nodes.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();

        // the endpoint first: an event stored before an endpoint exists is not delivered to it
        Api.Response hook = cluster.api(survivor).postJson("/api/webhooks",
                "{\"url\":\"" + receiver.url("/hooks") + "\",\"events\":[\"face.recognized\"]}");
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        // enrolled through the owner: the survivor learns him from the shared database only
        Api.Response enrolled = Faces.postMultipart(cluster.api(owner), "/api/faces", LenswireProcess.API_KEY,
                Part.text("name", "Barack Obama"), Part.file(Faces.photo("obama.jpg")));
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        Wait.until("the survivor's gallery has him", Duration.ofSeconds(10), () -> cluster.api(survivor)
                .get("/api/stream/health").json().path("analytics").path("enrolled_persons").asInt() == 1);

        Wait.until("a face.recognized from the owner", Duration.ofSeconds(60), () -> !recognized().isEmpty());
        int beforeKill = new TreeSet<>(recognized()).size();
        cluster.kill(owner);
        Wait.until("the survivor reads the camera", Duration.ofSeconds(30), () -> cluster.settled(List.of(CAMERA), faces));
        assertThat(cluster.ownerOf(CAMERA)).isEqualTo(survivor);
        Wait.until("a face.recognized from the survivor", Duration.ofSeconds(60),
                () -> new TreeSet<>(recognized()).size() > beforeKill);

        // every stored face.recognized is delivered (those of the dead node too), each under its own id
        Wait.until("the receiver has every stored face.recognized", Duration.ofSeconds(60),
                () -> new TreeSet<>(recognized()).containsAll(stored(survivor)));
        Map<String, Set<String>> idsByEvent = new TreeMap<>();
        for (ScriptedReceiver.Request r : receiver.requests()) {
            idsByEvent.computeIfAbsent(r.json().path("data").path("event_id").asText(), k -> new TreeSet<>()).add(r.webhookId());
        }
        idsByEvent.forEach((event, ids) -> assertThat(ids).as("webhook-ids of %s", event).containsExactly(event));
        List<String> owners = new ArrayList<>();
        for (String event : stored(survivor)) {
            owners.add(cluster.api(survivor).get("/api/events/" + event).json().path("event").path("data").path("camera_id").asText());
        }
        assertThat(owners).containsOnly(CAMERA);
        System.out.printf("ClusterFaceEventsIT: %d face.recognized stored, %d before the kill of %s, %d deliveries%n",
                stored(survivor).size(), beforeKill, owner, receiver.requests().size());
    }

    private static List<String> stored(String node) {
        Api.Response r = cluster.api(node).get("/api/events?type=face.recognized&limit=500");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("events").forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }
}
