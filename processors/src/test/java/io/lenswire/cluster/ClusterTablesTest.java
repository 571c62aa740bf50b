package io.lenswire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.lenswire.testing.TestDatabases;

/** {@link ClusterNodes} and {@link CameraOwners} on H2; {@link PostgresClusterTablesTest} runs them on PostgreSQL. */
class ClusterTablesTest {

    private JdbcTemplate jdbc;
    private ClusterNodes nodes;
    private CameraOwners owners;

    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(newDatabase());
        nodes = new ClusterNodes(jdbc);
        owners = new CameraOwners(jdbc);
    }

    @Test
    void aNodeIsLiveUntilItsHeartbeatIsOlderThanTheTimeoutOrItLeaves() {
        nodes.heartbeat("node-a", "http://127.0.0.1:1");
        nodes.heartbeat("node-b", "http://127.0.0.1:2");
        nodes.heartbeat("node-a", "http://127.0.0.1:3");
        assertThat(nodes.live(Duration.ofSeconds(5))).containsExactly(
                new ClusterNodes.Node("node-a", "http://127.0.0.1:3"), new ClusterNodes.Node("node-b", "http://127.0.0.1:2"));

        // node-b's last heartbeat a minute ago, on the database's clock
        jdbc.update("UPDATE cluster_nodes SET heartbeat_at = heartbeat_at - INTERVAL '60' SECOND WHERE node_id = 'node-b'");
        assertThat(nodes.live(Duration.ofSeconds(5))).extracting(ClusterNodes.Node::id).containsExactly("node-a");
        assertThat(nodes.live(Duration.ofSeconds(120))).extracting(ClusterNodes.Node::id).containsExactly("node-a", "node-b");

        nodes.leave("node-a");
        assertThat(nodes.live(Duration.ofSeconds(120))).extracting(ClusterNodes.Node::id).containsExactly("node-b");
    }

    @Test
    void theNewestClaimOwnsAndAnOldOwnerCannotOverwriteOrReleaseIt() {
        owners.claim("door", "node-a", "STARTING");
        owners.state("door", "node-a", "STREAMING");
        assertThat(owners.all()).containsEntry("door", new CameraOwners.Record("node-a", "STREAMING"));

        owners.claim("door", "node-b", "STARTING"); // node-a died; node-b took the lock over
        owners.state("door", "node-a", "RECONNECTING");
        owners.release("door", "node-a");
        assertThat(owners.all()).containsEntry("door", new CameraOwners.Record("node-b", "STARTING"));

        owners.release("door", "node-b");
        assertThat(owners.all()).doesNotContainKey("door");
    }
}
