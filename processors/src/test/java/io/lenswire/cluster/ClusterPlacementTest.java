package io.lenswire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraRunner;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.testing.TestDatabases;

/**
 * Two nodes' placements on one database and Camel's file lock cluster service (the real one, as
 * configured in production; both in this JVM): cameras are run by exactly one node each and spread,
 * a removed camera stops where it ran, and a node that stops hands its cameras to the other. What a
 * node runs is recorded instead of started (the pipelines are ClusterIT's, on three JVMs).
 */
class ClusterPlacementTest {

    private static final List<String> CAMERAS = List.of("c1", "c2", "c3", "c4");

    @TempDir
    Path locks;

    private JdbcTemplate jdbc;
    private CamelContext camel;
    private final Map<String, Node> nodes = new TreeMap<>();

    /** A node: its placement, and the cameras it runs. */
    private record Node(ClusterPlacement placement, Set<String> running, CamelClusterService service) {
    }

    @BeforeEach
    void setUp() throws Exception {
        jdbc = new JdbcTemplate(TestDatabases.h2());
        camel = new DefaultCamelContext();
        camel.start();
        for (String id : List.of("node-a", "node-b")) {
            nodes.put(id, node(id));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Node node : nodes.values()) {
            node.placement().destroy();
        }
        camel.close();
    }

    private Node node(String id) throws Exception {
        ClusterProperties settings = new ClusterProperties();
        settings.setEnabled(true);
        settings.setNodeId(id);
        settings.setAdvertisedUrl("http://127.0.0.1/" + id);
        settings.setFileRoot(locks.toString());
        settings.setLockInterval(Duration.ofMillis(200));
        CamelClusterService service = ClusterConfiguration.fileLocks(settings);
        camel.addService(service, true, true);
        Set<String> running = ConcurrentHashMap.newKeySet();
        CameraRunner runner = new CameraRunner(null, null, null, List.of()) {
            @Override
            public boolean runs(String cameraId) {
                return running.contains(cameraId);
            }

            @Override
            public boolean run(Camera camera) {
                return running.add(camera.id());
            }

            @Override
            public boolean halt(String cameraId) {
                return running.remove(cameraId);
            }
        };
        ClusterPlacement placement = new ClusterPlacement(service, runner, new CameraStatusRegistry(),
                new ClusterNodes(jdbc), new CameraOwners(jdbc), settings);
        return new Node(placement, running, service);
    }

    @Test
    void eachCameraRunsOnExactlyOneNodeSpreadAndMovesWhenItsNodeStops() throws Exception {
        placeEverywhereAndAwaitTwoEach();
        Map<String, List<String>> before = runBy(CAMERAS);
        // the owners table says who runs each camera (written just after the camera starts, on
        // the node's worker thread), and every node sees the others' cameras there at its next beat
        awaitWhileBeating("camera_owners names the runners", () -> CAMERAS.stream().allMatch(camera -> List.of(before.get(camera).get(0))
                .equals(jdbc.queryForList("SELECT node_id FROM camera_owners WHERE camera_id = ?", String.class, camera))));
        beat(1);
        Node a = nodes.get("node-a");
        for (String camera : CAMERAS) {
            String owner = before.get(camera).get(0);
            assertThat(a.placement().elsewhere(camera).map(o -> o.nodeId()))
                    .isEqualTo(owner.equals("node-a") ? java.util.Optional.empty() : java.util.Optional.of(owner));
        }
        assertThat(a.placement().liveNodes()).containsExactly("node-a", "node-b");

        // removed on both (as CameraService does on every node): it stops where it ran
        String removed = nodes.get("node-b").running().iterator().next();
        for (Node node : nodes.values()) {
            node.placement().displace(removed);
        }
        List<String> left = CAMERAS.stream().filter(c -> !c.equals(removed)).toList();
        assertThat(nodes.values()).noneMatch(n -> n.running().contains(removed));
        beat(5);
        assertThat(nodes.values()).as("a removed camera is not taken up again").noneMatch(n -> n.running().contains(removed));

        // node-a stops cleanly: it halts its cameras, leaves, and node-b takes them over
        a.placement().destroy();
        a.service().stop();
        nodes.remove("node-a");
        assertThat(a.running()).isEmpty();
        awaitWhileBeating("node-b runs the cameras left", () -> nodes.get("node-b").running().containsAll(left));
        assertThat(nodes.get("node-b").running()).containsExactlyInAnyOrderElementsOf(left);
        assertThat(nodes.get("node-b").placement().liveNodes()).containsExactly("node-b");
    }

    @Test
    void aCameraThatStoppedWhereItsNodeStillLeadsRunsAgainAtTheNextBeat() throws Exception {
        placeEverywhereAndAwaitTwoEach();
        beat(2);
        Map<String, List<String>> before = runBy(CAMERAS);
        String camera = CAMERAS.get(0);
        Node owner = nodes.get(before.get(camera).get(0));
        // no leadership event comes for this: the node still holds the camera's lock
        owner.running().remove(camera);
        beat(2);
        assertThat(owner.running()).as("run again where its lock is held").contains(camera);
        assertThat(runBy(CAMERAS)).isEqualTo(before);
    }

    /** Every camera placed on every node (as CameraService does), then run by exactly one node, two each. */
    private void placeEverywhereAndAwaitTwoEach() throws InterruptedException {
        for (Node node : nodes.values()) {
            CAMERAS.forEach(id -> node.placement().place(new Camera(id, id, "rtsp://127.0.0.1/" + id, false, Camera.Origin.API)));
        }
        awaitWhileBeating("every camera run by exactly one node, two each", () -> runBy(CAMERAS).values().stream().allMatch(n -> n.size() == 1)
                && nodes.values().stream().allMatch(n -> n.running().size() == 2));
    }

    /** Cameras by the nodes that run them. */
    private Map<String, List<String>> runBy(List<String> cameras) {
        Map<String, List<String>> by = new TreeMap<>();
        for (String camera : cameras) {
            List<String> runners = new ArrayList<>();
            nodes.forEach((id, node) -> {
                if (node.running().contains(camera)) {
                    runners.add(id);
                }
            });
            by.put(camera, runners);
        }
        return by;
    }

    /** The cluster-heartbeat route's step, on every node, {@code times} times a heartbeat interval apart (shortened). */
    private void beat(int times) throws InterruptedException {
        for (int i = 0; i < times; i++) {
            nodes.values().forEach(n -> n.placement().heartbeat());
            Thread.sleep(200);
        }
    }

    private void awaitWhileBeating(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for: %s (%s)", what, runBy(CAMERAS)).isLessThan(deadline);
            beat(1);
        }
    }
}
