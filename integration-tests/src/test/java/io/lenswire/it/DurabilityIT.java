package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.Faces;
import io.lenswire.it.support.Faces.Part;
import io.lenswire.it.support.LenswireProcess;

/**
 * A 201 means it is on disk: a camera, an enrolled person and a webhook endpoint, each acknowledged
 * and then the process killed with SIGKILL at once (no shutdown hook), are all there after the
 * restart, 20 times in a row. Also checks what the data dir looks like to another user: owner-only
 * directories and files, and no camera password or webhook secret readable in the database file.
 */
class DurabilityIT {

    private static final int CYCLES = 20;
    private static LenswireProcess app;

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    private static String cameraUrl(int i) {
        // nothing listens on port 9: the camera keeps reconnecting, which costs nothing here
        return "rtsp://cam" + i + ":pw-secret-" + i + "@127.0.0.1:9/stream";
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndSecretsStayPrivateAtRest() throws Exception {
        // C1 only: this test restarts the server 20 times, and a start compiles less that way
        app = LenswireProcess.start("durability", "-XX:TieredStopAtLevel=1");
        Api api = app.api();
        byte[] photo = Files.readAllBytes(Faces.photo("obama.jpg"));
        String[] webhookSecrets = new String[CYCLES];
        long[] personIds = new long[CYCLES];
        for (int i = 0; i < CYCLES; i++) {
            Api.Response hook = api.postJson("/api/webhooks",
                    "{\"url\":\"http://127.0.0.1:9/hook" + i + "\",\"events\":[\"webhook.test\"]}");
            assertThat(hook.status()).as(hook.body()).isEqualTo(201);
            webhookSecrets[i] = hook.json().path("secret").asText();
            Api.Response person = Faces.postMultipart(api, "/api/faces", LenswireProcess.API_KEY,
                    Part.text("name", "Person " + i), Part.image("p" + i + ".jpg", photo));
            assertThat(person.status()).as(person.body()).isEqualTo(201);
            personIds[i] = person.json().path("person").path("id").asLong();
            Api.Response camera = api.addCamera("d" + i, cameraUrl(i));
            assertThat(camera.status()).as(camera.body()).isEqualTo(201);

            app.kill(); // right after the last answer
            app.start();

            Api.Response people = api.get("/api/faces");
            assertThat(people.status()).as(people.body()).isEqualTo(200);
            JsonNode persons = people.json().path("persons");
            for (int k = 0; k <= i; k++) {
                int j = k;
                assertThat(api.camera("d" + j)).as("camera d%d after kill %d", j, i).isPresent();
                assertThat(persons.findValues("id")).as("person %d after kill %d in %s", j, i, persons)
                        .anyMatch(id -> id.asLong() == personIds[j]);
            }
            JsonNode hooks = api.get("/api/webhooks").json().path("webhooks");
            assertThat(hooks).as("webhook endpoints after kill %d", i).hasSize(i + 1);
        }

        Path dataDir = app.dataDir();
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("db"))).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("data-key"))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dataDir.resolve("db"))) {
            for (Path file : files.toList()) {
                assertThat(mode(file)).as(file.getFileName().toString()).isEqualTo("rw-------");
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as("camera passwords in " + file.getFileName()).doesNotContain("pw-secret-");
                for (String secret : webhookSecrets) {
                    assertThat(bytes).as("webhook secret in " + file.getFileName()).doesNotContain(secret.substring(6, 30));
                }
            }
        }
        assertThat(app.log()).doesNotContain("pw-secret-");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
