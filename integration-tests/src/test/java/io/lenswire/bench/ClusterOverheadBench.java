package io.lenswire.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lenswire.it.ClusterFixture;
import io.lenswire.it.support.Wait;

/**
 * The cluster's overhead (issue 15): one plain server reading N cameras, then a cluster of K nodes
 * reading K x N (N each), all from one RTSP server serving a pre-encoded clip. After a warm-up,
 * each server's CPU (from /proc, over the same window) and RSS are printed, and each cluster
 * node's against the single server's.
 *
 * <pre>scripts/bench/java-bench.sh 256m io.lenswire.bench.ClusterOverheadBench -- --cameras 25 --nodes 3</pre>
 */
public final class ClusterOverheadBench {

    private ClusterOverheadBench() {
    }

    private record Usage(double cpuPercent, long rssMb) {
    }

    public static void main(String[] args) throws Exception {
        int perNode = 25;
        int nodeCount = 3;
        int warmup = 90;
        int seconds = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cameras" -> perNode = Integer.parseInt(args[++i]);
                case "--nodes" -> nodeCount = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Map<String, Usage> single;
        try (ClusterFixture one = ClusterFixture.start(perNode, List.of("single"), dir -> List.of(),
                List.of("--lenswire.analytics.enabled=false"), false)) {
            one.addCameras();
            Wait.until("every camera STREAMING", Duration.ofSeconds(120), () -> allStreaming(one));
            single = measure(one, warmup, seconds);
        }
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            ids.add("node-" + (char) ('a' + n));
        }
        Map<String, Usage> nodes;
        try (ClusterFixture cluster = ClusterFixture.start(perNode * nodeCount, ids,
                dir -> List.of("--lenswire.cluster.backend=file", "--lenswire.cluster.file-root=" + dir.resolve("locks")))) {
            cluster.addCameras();
            Wait.until("every camera STREAMING on one node", Duration.ofSeconds(180), () -> cluster.settled(cluster.cameras));
            System.out.println("cameras per node: " + cluster.owned().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().size()).toList());
            nodes = measure(cluster, warmup, seconds);
        }
        Usage reference = single.get("single");
        System.out.printf("single server, %d cameras: CPU %.1f%% of a core, RSS %d MB%n", perNode, reference.cpuPercent(),
                reference.rssMb());
        int each = perNode;
        nodes.forEach((node, u) -> System.out.printf("%s of %d, %d cameras: CPU %.1f%% (%.2fx), RSS %d MB (%.2fx)%n", node,
                ids.size(), each, u.cpuPercent(), u.cpuPercent() / reference.cpuPercent(), u.rssMb(),
                u.rssMb() / (double) reference.rssMb()));
    }

    private static boolean allStreaming(ClusterFixture fixture) {
        List<String> states = new ArrayList<>();
        fixture.api("single").get("/api/stream/cameras/status").json().path("cameras")
                .forEach(c -> states.add(c.path("state").asText()));
        return states.size() == fixture.cameras.size() && states.stream().allMatch("STREAMING"::equals);
    }

    /** Every node's CPU over the same window after the warm-up, and its RSS at the end. */
    private static Map<String, Usage> measure(ClusterFixture fixture, int warmup, int seconds) {
        Wait.sleep(warmup * 1000L);
        Map<String, Long> before = new TreeMap<>();
        fixture.nodes.forEach((node, app) -> before.put(node, ViewersBench.cpuTicks(app.pid())));
        long start = System.nanoTime();
        Wait.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Usage> usage = new TreeMap<>();
        fixture.nodes.forEach((node, app) -> usage.put(node, new Usage(
                (ViewersBench.cpuTicks(app.pid()) - before.get(node)) / elapsed, app.rssKb() / 1024)));
        return usage;
    }
}
