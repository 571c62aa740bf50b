package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;


import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.lenswire.config.SecretBox;
import io.lenswire.ingest.StreamUrls;
import io.lenswire.testing.TestDatabases;

class CameraRepositoryTest {

    private static final String URL = "rtsp://admin:hunter2@192.0.2.10:554/stream1";
    private JdbcTemplate jdbc;
    private final SecretBox box = SecretBox.withKey(new byte[32]);

    /** A fresh database with the schema; {@code Postgres} + this class's name runs every test on PostgreSQL. */
    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void database() {
        DataSource db = newDatabase();
        jdbc = new JdbcTemplate(db);
    }

    private String stored(String id) {
        return jdbc.queryForObject("SELECT rtsp_url FROM cameras WHERE camera_id = ?", String.class, id);
    }

    @Test
    void theUrlIsStoredEncryptedAndReadBackPlain() {
        CameraRepository cameras = new CameraRepository(jdbc, box);
        cameras.insert(new Camera("lobby", "Lobby", URL, true, Camera.Origin.API));
        assertThat(stored("lobby")).startsWith("enc:v1:").doesNotContain("hunter2");
        assertThat(cameras.findAll()).singleElement().satisfies(c -> assertThat(c.url()).isEqualTo(URL));
    }

    @Test
    void theTlsOptOutIsKept() {
        CameraRepository cameras = new CameraRepository(jdbc, box);
        cameras.insert(new Camera("self-signed", "S", "rtsps://cam/x", false, Camera.Origin.API, false));
        cameras.insert(new Camera("verified", "V", "rtsps://cam/y", false, Camera.Origin.API));
        assertThat(cameras.findAll()).extracting(Camera::id, Camera::tlsVerify)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("self-signed", false), org.assertj.core.groups.Tuple.tuple("verified", true));
    }

    @Test
    void urlsStoredInPlainByAnEarlierVersionAreEncryptedAtStart() {
        jdbc.update("INSERT INTO cameras (camera_id, name, rtsp_url, enable_analytics, created_at) VALUES ('old', 'Old', ?, FALSE,"
                + " CURRENT_TIMESTAMP)", URL);
        CameraRepository cameras = new CameraRepository(jdbc, box);
        assertThat(stored("old")).startsWith("enc:v1:").doesNotContain("hunter2");
        assertThat(cameras.findAll()).singleElement().satisfies(c -> assertThat(c.url()).isEqualTo(URL));
    }

    @Test
    void aCameraWhoseUrlThisKeyCannotOpenIsLeftOutNotFatal() {
        new CameraRepository(jdbc, box).insert(new Camera("lobby", "Lobby", URL, true, Camera.Origin.API));
        byte[] other = new byte[32];
        other[31] = 7;
        CameraRepository withOtherKey = new CameraRepository(jdbc, SecretBox.withKey(other));
        assertThat(withOtherKey.findAll()).isEmpty();
        assertThat(stored("lobby")).as("the row stays for the right key").startsWith("enc:v1:");
        assertThat(withOtherKey.exists("LOBBY")).as("its id stays taken, so adding it again is a conflict").isTrue();
        assertThat(withOtherKey.exists("hall")).isFalse();
    }

    @Test
    void theLongestAcceptedUrlFitsEncrypted() {
        String longUrl = "rtsp://cam/" + "x".repeat(StreamUrls.MAX_LENGTH - "rtsp://cam/".length());
        CameraRepository cameras = new CameraRepository(jdbc, box);
        cameras.insert(new Camera("long", "Long", longUrl, false, Camera.Origin.API));
        assertThat(cameras.findAll()).singleElement().satisfies(c -> assertThat(c.url()).isEqualTo(longUrl));
    }
}
