package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;
import io.lenswire.testing.PostgresServer;

/**
 * Three nodes (three JVMs) on one PostgreSQL database and Camel's file lock cluster service
 * (issue 15): nine cameras added over the API of different nodes are each read by exactly one
 * node (one RTSP connection per camera, counted by the RTSP server), spread over the nodes; when
 * the node with the most cameras is killed (SIGKILL) the others take its cameras over; a camera
 * removed through any node stops where it runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final List<String> CAMERAS = IntStream.rangeClosed(1, 9).mapToObj(i -> "c" + i).toList();
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

    private static PostgresServer postgres;
    private static RtspServer rtsp;
    private static Path workDir;
    private static final Map<String, LenswireProcess> nodes = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        workDir = Files.createTempDirectory("lenswire-cluster-");
        // a small pre-encoded clip served as is: nine cameras without nine live encoders on two cores
        Path clip = workDir.resolve("testsrc2-360p25.mp4");
        Media.Result made = Media.run(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", clip.toString());
        assertThat(made.exitCode()).as(made.output()).isZero();
        rtsp = RtspServer.start(null, CAMERAS.stream().map(c -> "/" + c + "=file:" + clip).toArray(String[]::new));
        postgres = PostgresServer.start();
        String url = postgres.newDatabase();
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String dataKey = Base64.getEncoder().encodeToString(key);
        for (String node : List.of("node-a", "node-b", "node-c")) {
            nodes.put(node, LenswireProcess.start("cluster-" + node, "-Xms256m", "-Xmx512m",
                    "--spring.datasource.url=" + url, "--spring.datasource.username=" + postgres.user(),
                    "--spring.datasource.password=",
                    "--lenswire.cameras=", "--lenswire.analytics.enabled=false",
                    "--lenswire.security.data-key=" + dataKey,
                    "--lenswire.playback.jwt-secrets[0]=" + HlsPlaybackIT.JWT_SECRET,
                    "--lenswire.cluster.enabled=true", "--lenswire.cluster.node-id=" + node,
                    "--lenswire.cluster.advertised-url=http://127.0.0.1:${server.port}",
                    "--lenswire.cluster.file-root=" + workDir.resolve("locks")));
        }
    }

    @AfterAll
    static void stop() {
        nodes.values().forEach(LenswireProcess::close);
        if (rtsp != null) rtsp.close();
        if (postgres != null) postgres.close();
    }

    private static Api api(String node) {
        return nodes.get(node).api();
    }

    /** node id → the cameras its health says it reads, for every node still running. */
    private static Map<String, List<String>> owned() {
        Map<String, List<String>> owned = new HashMap<>();
        nodes.forEach((node, app) -> {
            JsonNode cluster = app.api().get("/api/stream/health").json().path("cluster");
            assertThat(cluster.path("node_id").asText()).isEqualTo(node);
            List<String> cameras = new ArrayList<>();
            cluster.path("owned_cameras").forEach(c -> cameras.add(c.asText()));
            owned.put(node, cameras);
        });
        return owned;
    }

    /** True when every camera is read by exactly one node, STREAMING as every node reports it, over one RTSP connection. */
    private static boolean settled(List<String> cameras) {
        Map<String, List<String>> owned = owned();
        List<String> all = owned.values().stream().flatMap(List::stream).sorted().toList();
        if (!all.equals(cameras.stream().sorted().toList())) {
            return false;
        }
        for (String node : nodes.keySet()) {
            for (JsonNode camera : api(node).get("/api/stream/cameras/status").json().path("cameras")) {
                String id = camera.path("camera_id").asText();
                String owner = owned.entrySet().stream().filter(e -> e.getValue().contains(id)).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
                if (!"STREAMING".equals(camera.path("state").asText()) || !camera.path("owner_node").asText().equals(owner)) {
                    return false;
                }
            }
        }
        return cameras.stream().allMatch(c -> rtsp.connectedClients("/" + c) == 1) && rtsp.connectedClients() == cameras.size();
    }

    @Test
    @Order(1)
    void camerasAddedOnAnyNodeAreEachReadByExactlyOneNodeAndSpreadOverTheNodes() {
        List<String> order = List.of("node-a", "node-b", "node-c");
        for (int i = 0; i < CAMERAS.size(); i++) {
            String camera = CAMERAS.get(i);
            Api.Response added = api(order.get(i % 3)).addCamera(camera, rtsp.url("/" + camera));
            assertThat(added.status()).as(added.body()).isEqualTo(201);
        }
        // the same id added on another node is refused: the database is shared
        assertThat(api("node-b").addCamera("c1", rtsp.url("/c1")).status()).isEqualTo(409);

        Wait.until("every camera STREAMING on exactly one node", Duration.ofSeconds(60), () -> settled(CAMERAS));
        Map<String, List<String>> owned = owned();
        assertThat(owned.values()).as("ownership spread: %s", owned).allMatch(cameras -> cameras.size() == 3);
        // and it stays so: no camera moves or doubles once placed
        Wait.sleep(3000);
        assertThat(owned()).isEqualTo(owned);
        assertThat(rtsp.connectedClients()).isEqualTo(CAMERAS.size());
        for (String camera : CAMERAS) {
            assertThat(rtsp.connectedClients("/" + camera)).as(camera).isEqualTo(1);
        }
        // each node names itself on its metrics
        nodes.forEach((node, app) -> assertThat(app.api().get("/actuator/prometheus").body())
                .contains("node=\"" + node + "\""));
    }

    @Test
    @Order(2)
    void whenTheBusiestNodeIsKilledTheOthersTakeItsCamerasOverWithinTenSeconds() {
        Map<String, List<String>> before = owned();
        String victim = before.entrySet().stream().max(Map.Entry.comparingByValue((x, y) -> x.size() - y.size()))
                .map(Map.Entry::getKey).orElseThrow();
        List<String> orphans = before.get(victim);
        assertThat(orphans).isNotEmpty();

        long killedAt = System.nanoTime();
        nodes.remove(victim).kill();
        Duration took = Wait.until("the killed node's cameras STREAMING on the others", Duration.ofSeconds(30),
                () -> settled(CAMERAS));
        Duration sinceKill = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("failover of %s (%d cameras): %d ms%n", victim, orphans.size(), sinceKill.toMillis());
        assertThat(sinceKill).as("failover time").isLessThanOrEqualTo(FAILOVER_BOUND);
        assertThat(took).isLessThanOrEqualTo(sinceKill);

        Map<String, List<String>> after = owned();
        before.forEach((node, cameras) -> {
            if (!node.equals(victim)) {
                assertThat(after.get(node)).as("a survivor keeps what it read").containsAll(cameras);
            }
        });
        assertThat(after.values()).allMatch(cameras -> cameras.size() <= 5);
    }

    @Test
    @Order(3)
    void aCameraRemovedThroughAnyNodeStopsWhereItRuns() {
        Map<String, List<String>> owned = owned();
        String owner = owned.keySet().stream().filter(n -> !owned.get(n).isEmpty()).findFirst().orElseThrow();
        String camera = owned.get(owner).get(0);
        String other = nodes.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();

        assertThat(api(other).delete("/api/stream/cameras/" + camera).status()).isEqualTo(200);
        Wait.until(camera + " closed at the RTSP server", Duration.ofSeconds(10), () -> rtsp.connectedClients("/" + camera) == 0);
        Set<String> rest = new HashSet<>(CAMERAS);
        rest.remove(camera);
        Wait.until("every node lists the other cameras only", Duration.ofSeconds(10), () -> nodes.values().stream()
                .allMatch(app -> {
                    Set<String> listed = new HashSet<>();
                    app.api().get("/api/stream/cameras/status").json().path("cameras").forEach(c -> listed.add(c.path("camera_id").asText()));
                    return listed.equals(rest);
                }));
        // fewer cameras make a lower bound per node: one camera may move to even the load out
        Wait.until("the other cameras STREAMING on exactly one node each", Duration.ofSeconds(20), () -> settled(List.copyOf(rest)));
    }
}
