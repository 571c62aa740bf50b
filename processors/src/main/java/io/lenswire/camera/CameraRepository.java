package io.lenswire.camera;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Cameras added over REST, kept in the embedded database so that a restart brings them back. */
@Repository
public class CameraRepository {

    private final JdbcTemplate jdbc;

    public CameraRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<Camera> findAll() {
        return jdbc.query("SELECT camera_id, name, rtsp_url, enable_analytics FROM cameras ORDER BY created_at, camera_id",
                (rs, row) -> new Camera(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), Camera.Origin.API));
    }

    public void insert(Camera camera) {
        jdbc.update("INSERT INTO cameras (camera_id, name, rtsp_url, enable_analytics, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)",
                camera.id(), camera.name(), camera.url(), camera.analytics());
    }

    public boolean delete(String cameraId) {
        return jdbc.update("DELETE FROM cameras WHERE camera_id = ?", cameraId) > 0;
    }
}
