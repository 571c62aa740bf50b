package io.lenswire.camera;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.lenswire.config.SecretBox;

/**
 * Cameras added over REST, kept in the embedded database so that a restart brings them back. The
 * URL (it may carry the camera's password) is stored encrypted by {@link SecretBox}; rows written
 * before that are encrypted at start.
 */
@Repository
public class CameraRepository {

    private static final Logger LOG = LoggerFactory.getLogger(CameraRepository.class);
    static final String URL_PURPOSE = "cameras.rtsp_url";

    private final JdbcTemplate jdbc;
    private final SecretBox secrets;

    public CameraRepository(JdbcTemplate jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        sealPlainUrls();
    }

    private void sealPlainUrls() {
        List<String[]> plain = jdbc.query("SELECT camera_id, rtsp_url FROM cameras WHERE rtsp_url NOT LIKE 'enc:%'",
                (rs, row) -> new String[] {rs.getString(1), rs.getString(2)});
        for (String[] row : plain) {
            jdbc.update("UPDATE cameras SET rtsp_url = ? WHERE camera_id = ?", secrets.seal(row[1], URL_PURPOSE), row[0]);
        }
        if (!plain.isEmpty()) {
            LOG.info("encrypted the stored URL of {} camera(s) written by an earlier version", plain.size());
        }
    }

    /** Every stored camera whose URL this data key opens; the others are logged and left in place. */
    public List<Camera> findAll() {
        List<Camera> cameras = new ArrayList<>();
        jdbc.query("SELECT camera_id, name, rtsp_url, enable_analytics, tls_verify FROM cameras ORDER BY created_at, camera_id", rs -> {
            String id = rs.getString(1);
            try {
                cameras.add(new Camera(id, rs.getString(2), secrets.open(rs.getString(3), URL_PURPOSE), rs.getBoolean(4),
                        Camera.Origin.API, rs.getBoolean(5)));
            } catch (SecretBox.SecretUnreadableException e) {
                LOG.error("camera {} is not started: {}", id, e.getMessage());
            }
        });
        return cameras;
    }

    public void insert(Camera camera) {
        jdbc.update("INSERT INTO cameras (camera_id, name, rtsp_url, enable_analytics, tls_verify, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
                camera.id(), camera.name(), secrets.seal(camera.url(), URL_PURPOSE), camera.analytics(), camera.tlsVerify());
    }

    /** The ids of every stored camera, whether or not this data key opens its URL. */
    public Set<String> ids() {
        return new HashSet<>(jdbc.queryForList("SELECT camera_id FROM cameras", String.class));
    }

    /** Whether a row holds this id in any case, also one whose URL this data key cannot open. */
    public boolean exists(String cameraId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM cameras WHERE LOWER(camera_id) = LOWER(?)", Integer.class, cameraId);
        return n != null && n > 0;
    }

    public boolean delete(String cameraId) {
        return jdbc.update("DELETE FROM cameras WHERE camera_id = ?", cameraId) > 0;
    }
}
