package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lenswire.it.support.Wait;
import io.lenswire.it.support.ZooKeeperServer;

/**
 * The cluster on a real distributed backend (issue 15): two nodes elect each camera's reader in
 * ZooKeeper (Debian's package, a standalone server) through Camel's ZooKeeper cluster service;
 * cameras are spread, each read once, and a killed node's cameras move to the other within the
 * failover bound.
 */
class ClusterZooKeeperIT {

    private static ZooKeeperServer zookeeper;
    private static ClusterFixture cluster;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = ZooKeeperServer.start();
        cluster = ClusterFixture.start(4, List.of("zk-a", "zk-b"), dir -> List.of("--lenswire.cluster.backend=zookeeper",
                "--lenswire.cluster.zookeeper-connect=" + zookeeper.connect(), "--lenswire.cluster.zookeeper-session-timeout=3s"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (zookeeper != null) zookeeper.close();
    }

    @Test
    void eachCameraIsReadOnceAndAKilledNodesCamerasMoveToTheOther() {
        cluster.addCameras();
        Wait.until("every camera STREAMING on exactly one node", Duration.ofSeconds(60), () -> cluster.settled(cluster.cameras));
        Map<String, List<String>> owned = cluster.owned();
        assertThat(owned.values()).as("ownership spread: %s", owned).allMatch(cameras -> cameras.size() == 2);

        String victim = cluster.busiest();
        Duration failover = ClusterIT.killAndAwaitFailover(cluster, victim);
        System.out.printf("ZooKeeper failover of %s (%d cameras): %d ms%n", victim, owned.get(victim).size(), failover.toMillis());
        assertThat(failover).as("failover time").isLessThanOrEqualTo(ClusterIT.FAILOVER_BOUND);
        String survivor = cluster.nodes.keySet().iterator().next();
        assertThat(cluster.owned().get(survivor)).containsExactlyInAnyOrderElementsOf(cluster.cameras);
    }
}
