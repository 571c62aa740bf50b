package io.lenswire.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.lenswire.config.LenswireProperties;
import io.lenswire.testing.TestDatabases;

/**
 * Two nodes' {@link PlaybackSessions} on one database through {@link JdbcSharedSessions}: a
 * session made, refreshed or ended on one node is seen so on the other (issue 15, "any node serves
 * any viewer"). {@code PostgresSharedSessionsTest} runs the same on PostgreSQL.
 */
class SharedSessionsTest {

    private JdbcTemplate jdbc;
    private PlaybackSessions nodeA;
    private PlaybackSessions nodeB;

    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(newDatabase());
        LenswireProperties.Playback config = new LenswireProperties.Playback();
        nodeA = new PlaybackSessions(config, Clock.systemUTC(), List::of, new JdbcSharedSessions(jdbc));
        nodeB = new PlaybackSessions(config, Clock.systemUTC(), List::of, new JdbcSharedSessions(jdbc));
    }

    @AfterEach
    void tearDown() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aSessionMadeOnOneNodeIsFoundOnTheOtherAsItWasMade() {
        Session made = nodeA.create("door", "alice").orElseThrow();
        Session seen = nodeB.find(made.id()).orElseThrow();
        assertThat(seen).isEqualTo(made);
        assertThat(nodeB.find("unknown-session-id-000")).isEmpty();
    }

    @Test
    void aRefreshOnOneNodeGivesTheOtherTheNewTokenAndTheLaterExpiry() {
        Session made = nodeA.create("door", "alice").orElseThrow();
        nodeB.find(made.id()).orElseThrow(); // node B has its copy now
        Session refreshed = nodeA.refresh(made.id(), made.tokenId()).orElseThrow();
        assertThat(refreshed.tokenId()).isNotEqualTo(made.tokenId());
        // a token newer than node B's copy is checked against the shared store, not refused
        assertThat(nodeB.findFresh(made.id()).orElseThrow().tokenId()).isEqualTo(refreshed.tokenId());
        assertThat(nodeB.find(made.id()).orElseThrow().expiresAt()).isEqualTo(refreshed.expiresAt());
    }

    @Test
    void playingOnTheOwnerIsSharedAndAnEndOnAnyNodeEndsItEverywhere() {
        Session made = nodeA.create("door", "alice").orElseThrow();
        assertThat(nodeB.recordRequest(made.id()).orElseThrow().state()).isEqualTo(Session.State.PLAYING);
        assertThat(nodeA.findFresh(made.id()).orElseThrow().state()).isEqualTo(Session.State.PLAYING);

        assertThat(nodeA.end(made.id())).isPresent();
        assertThat(nodeB.findFresh(made.id())).isEmpty();
        assertThat(nodeB.live()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM playback_sessions", Integer.class)).isZero();
    }

    @Test
    void theSweepDeletesExpiredSessionsFromTheSharedStore() {
        Session made = nodeA.create("door", "alice").orElseThrow();
        nodeA.create("lobby", "bob").orElseThrow();
        jdbc.update("UPDATE playback_sessions SET expires_at = ? WHERE session_id = ?",
                System.currentTimeMillis() - Duration.ofMinutes(1).toMillis(), made.id());
        assertThat(nodeB.findFresh(made.id())).as("expired in the store").isEmpty();
        nodeB.sweep();
        assertThat(jdbc.queryForList("SELECT camera_id FROM playback_sessions", String.class)).containsExactly("lobby");
    }
}
