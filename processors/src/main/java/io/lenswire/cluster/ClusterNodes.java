package io.lenswire.cluster;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The nodes of a cluster and when each last said it was alive, in the shared database. Ages are
 * measured on the database's clock (both the heartbeat and "now" come from it), so the nodes'
 * clocks need not agree.
 */
@Repository
public class ClusterNodes {

    /** A node that has said it is alive within the node timeout. */
    public record Node(String id, String baseUrl) {
    }

    private final JdbcTemplate jdbc;

    public ClusterNodes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void heartbeat(String nodeId, String baseUrl) {
        int updated = jdbc.update("UPDATE cluster_nodes SET base_url = ?, heartbeat_at = LOCALTIMESTAMP WHERE node_id = ?", baseUrl, nodeId);
        if (updated == 0) {
            try {
                jdbc.update("INSERT INTO cluster_nodes (node_id, base_url, heartbeat_at) VALUES (?, ?, LOCALTIMESTAMP)", nodeId, baseUrl);
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                heartbeat(nodeId, baseUrl);
            }
        }
    }

    /** The nodes heard from within {@code timeout}, by id. */
    public List<Node> live(Duration timeout) {
        Timestamp now = jdbc.queryForObject("SELECT LOCALTIMESTAMP", Timestamp.class);
        Timestamp oldest = new Timestamp(now.getTime() - timeout.toMillis());
        return jdbc.query("SELECT node_id, base_url FROM cluster_nodes WHERE heartbeat_at >= ? ORDER BY node_id",
                (rs, row) -> new Node(rs.getString(1), rs.getString(2)), oldest);
    }

    /** A node that stops cleanly leaves at once instead of after the timeout. */
    public void leave(String nodeId) {
        jdbc.update("DELETE FROM cluster_nodes WHERE node_id = ?", nodeId);
    }
}
