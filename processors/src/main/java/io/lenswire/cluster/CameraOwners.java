package io.lenswire.cluster;

import java.util.HashMap;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Which node runs each camera, and the camera's state there, as the owners report it. Written only
 * by a node that holds the camera's lock in the cluster service; a row whose node is dead is stale
 * and is overwritten by the next owner.
 */
@Repository
public class CameraOwners {

    /** A camera's last reported owner and state. */
    public record Record(String nodeId, String state) {
    }

    private final JdbcTemplate jdbc;

    public CameraOwners(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void claim(String cameraId, String nodeId, String state) {
        int updated = jdbc.update("UPDATE camera_owners SET node_id = ?, state = ?, since = LOCALTIMESTAMP WHERE camera_id = ?",
                nodeId, state, cameraId);
        if (updated == 0) {
            try {
                jdbc.update("INSERT INTO camera_owners (camera_id, node_id, state, since) VALUES (?, ?, ?, LOCALTIMESTAMP)",
                        cameraId, nodeId, state);
            } catch (DuplicateKeyException raced) {
                claim(cameraId, nodeId, state);
            }
        }
    }

    /** Updates the state of a camera this node owns; nothing if another node has claimed it since. */
    public void state(String cameraId, String nodeId, String state) {
        jdbc.update("UPDATE camera_owners SET state = ? WHERE camera_id = ? AND node_id = ?", state, cameraId, nodeId);
    }

    /** This node no longer runs the camera; a newer owner's row is left alone. */
    public void release(String cameraId, String nodeId) {
        jdbc.update("DELETE FROM camera_owners WHERE camera_id = ? AND node_id = ?", cameraId, nodeId);
    }

    public Map<String, Record> all() {
        Map<String, Record> owners = new HashMap<>();
        jdbc.query("SELECT camera_id, node_id, state FROM camera_owners",
                rs -> {
                    owners.put(rs.getString(1), new Record(rs.getString(2), rs.getString(3)));
                });
        return owners;
    }
}
