package io.lenswire.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.lenswire.it.ClusterFixture;
import io.lenswire.it.support.Wait;
import io.lenswire.it.support.ZooKeeperServer;

/**
 * Failover time of a cluster (issue 15): kills (SIGKILL) the node with the most cameras, times
 * the kill until every camera is STREAMING again on exactly one node with one RTSP connection,
 * starts the node again, waits until the cameras are spread again, and repeats. Prints every time
 * and the p50 / p95 / max.
 *
 * <pre>scripts/bench/java-bench.sh 256m io.lenswire.bench.FailoverBench -- --kills 10 --nodes 3 --cameras 9 --backend file</pre>
 */
public final class FailoverBench {

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int kills = 10;
        int nodeCount = 3;
        int cameraCount = 9;
        String backend = "file";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--nodes" -> nodeCount = Integer.parseInt(args[++i]);
                case "--cameras" -> cameraCount = Integer.parseInt(args[++i]);
                case "--backend" -> backend = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<String> nodeIds = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            nodeIds.add("node-" + (char) ('a' + n));
        }
        ZooKeeperServer zookeeper = backend.equals("zookeeper") ? ZooKeeperServer.start() : null;
        Function<Path, List<String>> backendArgs = zookeeper != null
                ? dir -> List.of("--lenswire.cluster.backend=zookeeper", "--lenswire.cluster.zookeeper-connect=" + zookeeper.connect(),
                        "--lenswire.cluster.zookeeper-session-timeout=3s")
                : dir -> List.of("--lenswire.cluster.backend=file", "--lenswire.cluster.file-root=" + dir.resolve("locks"));
        List<Long> times = new ArrayList<>();
        try (ClusterFixture cluster = ClusterFixture.start(cameraCount, nodeIds, backendArgs)) {
            cluster.addCameras();
            Wait.until("the cameras spread", Duration.ofSeconds(120), () -> spread(cluster));
            for (int k = 1; k <= kills; k++) {
                String victim = cluster.busiest();
                long killedAt = System.nanoTime();
                cluster.kill(victim);
                Wait.until("failover", Duration.ofSeconds(60), () -> cluster.settled(cluster.cameras));
                long ms = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                times.add(ms);
                System.out.printf("kill %d of %s: every camera STREAMING again after %d ms%n", k, victim, ms);
                cluster.revive(victim);
                Wait.until("the cameras spread again", Duration.ofSeconds(120), () -> spread(cluster));
            }
        } finally {
            if (zookeeper != null) {
                zookeeper.close();
            }
        }
        List<Long> sorted = times.stream().sorted().toList();
        System.out.printf("backend %s, %d nodes, %d cameras, %d kills: p50 %d ms, p95 %d ms, max %d ms, min %d ms%n", backend,
                nodeCount, cameraCount, kills, percentile(sorted, 50), percentile(sorted, 95), sorted.get(sorted.size() - 1),
                sorted.get(0));
    }

    private static boolean spread(ClusterFixture cluster) {
        int bound = (cluster.cameras.size() + cluster.nodes.size() - 1) / cluster.nodes.size();
        return cluster.settled(cluster.cameras) && cluster.owned().values().stream().allMatch(c -> c.size() <= bound);
    }

    /** Nearest-rank percentile. */
    private static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
