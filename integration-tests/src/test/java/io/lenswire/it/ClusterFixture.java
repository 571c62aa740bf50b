package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.RtspServer;
import io.lenswire.testing.PostgresServer;

/**
 * Nodes of a cluster (one JVM each) on one PostgreSQL database, with cameras served by one RTSP
 * server from a small pre-encoded clip (many cameras without many live encoders on two cores).
 * The backend's own arguments (file lock directory, ZooKeeper ensemble) come from the test.
 */
public final class ClusterFixture implements AutoCloseable {

    public final List<String> cameras;
    public final RtspServer rtsp;
    public final Path workDir;
    /** The running nodes by id; a killed node is removed. */
    public final Map<String, LenswireProcess> nodes = new TreeMap<>();
    /** Killed nodes, by id, until {@link #revive}. */
    private final Map<String, LenswireProcess> dead = new TreeMap<>();
    private final PostgresServer postgres;

    private ClusterFixture(List<String> cameras, RtspServer rtsp, PostgresServer postgres, Path workDir) {
        this.cameras = cameras;
        this.rtsp = rtsp;
        this.postgres = postgres;
        this.workDir = workDir;
    }

    /** @param backendArgs the backend's arguments, given the cluster's temporary directory (deleted on close) */
    public static ClusterFixture start(int cameraCount, List<String> nodeIds, Function<Path, List<String>> backendArgs) throws Exception {
        return start(cameraCount, nodeIds, backendArgs, List.of("--lenswire.analytics.enabled=false"));
    }

    /** @param extraArgs more arguments for every node (each key once: Spring joins repeated ones) */
    public static ClusterFixture start(int cameraCount, List<String> nodeIds, Function<Path, List<String>> backendArgs,
                                       List<String> extraArgs) throws Exception {
        return start(cameraCount, nodeIds, backendArgs, extraArgs, true);
    }

    /**
     * @param clustered false: every node is a plain single server on the database (a reference for
     *                  the cluster's overhead; run one node only then)
     */
    public static ClusterFixture start(int cameraCount, List<String> nodeIds, Function<Path, List<String>> backendArgs,
                                       List<String> extraArgs, boolean clustered) throws Exception {
        Path workDir = Files.createTempDirectory("lenswire-cluster-");
        Path clip = workDir.resolve("testsrc2-360p25.mp4");
        Media.Result made = Media.run(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", clip.toString());
        assertThat(made.exitCode()).as(made.output()).isZero();
        List<String> cameras = IntStream.rangeClosed(1, cameraCount).mapToObj(i -> "c" + i).toList();
        RtspServer rtsp = RtspServer.start(null, cameras.stream().map(c -> "/" + c + "=file:" + clip).toArray(String[]::new));
        ClusterFixture cluster = new ClusterFixture(cameras, rtsp, PostgresServer.start(), workDir);
        try {
            String url = cluster.postgres.newDatabase();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String dataKey = Base64.getEncoder().encodeToString(key);
            for (String node : nodeIds) {
                List<String> args = new ArrayList<>(List.of("-Xms256m", "-Xmx512m",
                        "--spring.datasource.url=" + url, "--spring.datasource.username=" + cluster.postgres.user(),
                        "--spring.datasource.password=",
                        "--lenswire.cameras=",
                        "--lenswire.security.data-key=" + dataKey,
                        "--lenswire.playback.jwt-secrets[0]=" + HlsPlaybackIT.JWT_SECRET,
                        "--lenswire.cluster.enabled=" + clustered, "--lenswire.cluster.node-id=" + node,
                        "--lenswire.cluster.advertised-url=http://127.0.0.1:${server.port}"));
                args.addAll(backendArgs.apply(workDir));
                args.addAll(extraArgs);
                cluster.nodes.put(node, LenswireProcess.start("cluster-" + node, args.toArray(String[]::new)));
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public Api api(String node) {
        return nodes.get(node).api();
    }

    /** Adds the cameras through the nodes in turn. */
    public void addCameras() {
        List<String> ids = List.copyOf(nodes.keySet());
        for (int i = 0; i < cameras.size(); i++) {
            String camera = cameras.get(i);
            Api.Response added = api(ids.get(i % ids.size())).addCamera(camera, rtsp.url("/" + camera));
            assertThat(added.status()).as(added.body()).isEqualTo(201);
        }
    }

    /** node id → the cameras its health says it reads, for every running node. */
    public Map<String, List<String>> owned() {
        Map<String, List<String>> owned = new HashMap<>();
        nodes.forEach((node, app) -> {
            JsonNode cluster = app.api().get("/api/stream/health").json().path("cluster");
            assertThat(cluster.path("node_id").asText()).isEqualTo(node);
            List<String> list = new ArrayList<>();
            cluster.path("owned_cameras").forEach(c -> list.add(c.asText()));
            owned.put(node, list);
        });
        return owned;
    }

    /** The node that reads the camera, by the nodes' health. */
    public String ownerOf(String camera) {
        return owned().entrySet().stream().filter(e -> e.getValue().contains(camera)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    /**
     * True when every one of {@code expected} is read by exactly one node, is STREAMING with that
     * owner as every node reports it, and has exactly one RTSP connection (counted by the server).
     */
    public boolean settled(List<String> expected) {
        return settled(expected, rtsp);
    }

    /** {@link #settled(List)} for cameras served by another RTSP server. */
    public boolean settled(List<String> expected, RtspServer server) {
        Map<String, List<String>> owned = owned();
        List<String> all = owned.values().stream().flatMap(List::stream).sorted().toList();
        if (!all.equals(expected.stream().sorted().toList())) {
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
        return expected.stream().allMatch(c -> server.connectedClients("/" + c) == 1) && server.connectedClients() == expected.size();
    }

    /** The running node with the most cameras. */
    public String busiest() {
        return owned().entrySet().stream().max(Map.Entry.comparingByValue((x, y) -> x.size() - y.size()))
                .map(Map.Entry::getKey).orElseThrow();
    }

    public void kill(String node) {
        LenswireProcess app = nodes.remove(node);
        app.kill();
        dead.put(node, app);
    }

    /** Starts a killed node again, on its port and data directory. */
    public void revive(String node) throws java.io.IOException {
        LenswireProcess app = dead.remove(node);
        app.start();
        nodes.put(node, app);
    }

    @Override
    public void close() {
        nodes.values().forEach(LenswireProcess::close);
        rtsp.close();
        postgres.close();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
