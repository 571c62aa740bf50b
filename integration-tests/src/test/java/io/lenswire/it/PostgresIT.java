package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;
import io.lenswire.testing.PostgresServer;

/**
 * The application on PostgreSQL (issue 15, first step): the same Flyway migrations make the schema,
 * and what the API stores (a camera, a webhook, an event) is in PostgreSQL and comes back after
 * a restart; no H2 file is made.
 */
class PostgresIT {

    private static PostgresServer postgres;
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static String url;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start();
        url = postgres.newDatabase();
        rtsp = RtspServer.start(null, "/one=h264");
        app = LenswireProcess.start("postgres", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + postgres.user(), "--spring.datasource.password=");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
        if (postgres != null) postgres.close();
    }

    @Test
    void whatTheApiStoresLivesInPostgresAndSurvivesARestart() throws Exception {
        Api api = app.api();
        JsonNode db = api.get("/actuator/health").json().path("components").path("db");
        assertThat(db.path("status").asText()).isEqualTo("UP");
        assertThat(db.path("details").path("database").asText()).isEqualTo("PostgreSQL");

        assertThat(api.addCamera("one", rtsp.url("/one")).status()).isEqualTo(201);
        Wait.until("camera STREAMING", Duration.ofSeconds(15), () -> api.state("one").equals("STREAMING"));
        Api.Response hook = api.postJson("/api/webhooks", "{\"url\":\"http://127.0.0.1:9/pg\",\"events\":[\"webhook.test\"]}");
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        String hookId = hook.json().path("webhook").path("id").asText();
        Api.Response test = api.postJson("/api/webhooks/" + hookId + "/test", "");
        assertThat(test.status()).as(test.body()).isBetween(200, 202);
        Wait.until("the test event stored", Duration.ofSeconds(5),
                () -> api.get("/api/events?type=webhook.test").json().path("events").size() == 1);

        assertThat(rows("SELECT camera_id FROM cameras")).containsExactly("one");
        assertThat(rows("SELECT endpoint_id FROM webhook_endpoints")).containsExactly(hookId);
        assertThat(rows("SELECT type FROM events")).containsExactly("webhook.test");
        assertThat(rows("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "4", "5", "6", "7");

        app.restart();

        Wait.until("camera back and STREAMING", Duration.ofSeconds(20), () -> api.state("one").equals("STREAMING"));
        assertThat(api.get("/api/webhooks/" + hookId).status()).isEqualTo(200);
        assertThat(api.get("/api/events?type=webhook.test").json().path("events").size()).isEqualTo(1);
        assertThat(api.addCamera("one", rtsp.url("/one")).status()).as("ids stay taken after restart").isEqualTo(409);
        try (Stream<Path> files = Files.walk(app.dataDir())) {
            assertThat(files.map(Path::toString)).as("no H2 database file").noneMatch(f -> f.endsWith(".mv.db"));
        }
    }

    /** The first column of every row, read straight from PostgreSQL. */
    private static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, postgres.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
