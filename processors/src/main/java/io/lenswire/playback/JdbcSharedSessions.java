package io.lenswire.playback;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** {@link SharedSessions} in the cluster's shared database (table {@code playback_sessions}). */
@Repository
@ConditionalOnProperty(prefix = "lenswire.cluster", name = "enabled", havingValue = "true")
public class JdbcSharedSessions implements SharedSessions {

    private final JdbcTemplate jdbc;

    public JdbcSharedSessions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(Session s) {
        int updated = jdbc.update("UPDATE playback_sessions SET expires_at = ?, state = ?, token_id = ? WHERE session_id = ?",
                s.expiresAt().toEpochMilli(), s.state().name(), s.tokenId(), s.id());
        if (updated == 0) {
            try {
                jdbc.update("INSERT INTO playback_sessions (session_id, camera_id, user_id, created_at, expires_at, state, token_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", s.id(), s.cameraId(), s.userId(), s.createdAt().toEpochMilli(),
                        s.expiresAt().toEpochMilli(), s.state().name(), s.tokenId());
            } catch (DuplicateKeyException raced) {
                save(s);
            }
        }
    }

    @Override
    public Optional<Session> load(String sessionId) {
        List<Session> rows = jdbc.query("SELECT session_id, camera_id, user_id, created_at, expires_at, state, token_id"
                + " FROM playback_sessions WHERE session_id = ?", (rs, n) -> new Session(rs.getString(1), rs.getString(2),
                rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)),
                Session.State.valueOf(rs.getString(6)), null, rs.getString(7)), sessionId);
        return rows.stream().findFirst();
    }

    @Override
    public void delete(String sessionId) {
        jdbc.update("DELETE FROM playback_sessions WHERE session_id = ?", sessionId);
    }

    @Override
    public void deleteExpired(Instant now) {
        jdbc.update("DELETE FROM playback_sessions WHERE expires_at <= ?", now.toEpochMilli());
    }
}
