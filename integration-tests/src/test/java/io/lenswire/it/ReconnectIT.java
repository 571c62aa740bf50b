package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** RTSP servers killed and restarted under running cameras: reconnects, isolation, no leaks. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconnectIT {

    private static RtspServer flaky;
    private static RtspServer steady;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        flaky = RtspServer.start(null, "/cam=h264");
        steady = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("reconnect");
        api = app.api();
        assertThat(api.addCamera("flaky", flaky.url("/cam")).status()).isEqualTo(201);
        assertThat(api.addCamera("steady", steady.url("/cam")).status()).isEqualTo(201);
        Wait.until("both STREAMING", Duration.ofSeconds(15),
                () -> api.state("flaky").equals("STREAMING") && api.state("steady").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (flaky != null) flaky.close();
        if (steady != null) steady.close();
    }

    private static long packets(String id) {
        return api.camera(id).orElseThrow().path("packets_received").asLong();
    }

    @Test
    @Order(1)
    void oneCameraDownDoesNotDisturbTheOther() {
        flaky.kill();
        Wait.until("flaky RECONNECTING", Duration.ofSeconds(10), () -> api.state("flaky").matches("RECONNECTING|FAILED"));
        long before = packets("steady");
        Wait.sleep(3000);
        long during = packets("steady") - before;
        // 25 fps for 3 s is 75 video packets; allow for scheduling on a loaded 2-core machine
        assertThat(during).as("steady camera packets while the other is down").isGreaterThan(60);
        assertThat(api.state("steady")).isEqualTo("STREAMING");
        assertThat(api.camera("flaky").orElseThrow().path("last_error").asText()).isNotBlank();
        assertThat(api.get("/api/stream/health").json().path("status").asText()).isEqualTo("degraded");

        flaky.start();
        Duration back = Wait.until("flaky STREAMING again", Duration.ofSeconds(10), () -> api.state("flaky").equals("STREAMING"));
        assertThat(back).isLessThan(Duration.ofSeconds(10));
        // every camera streams again (the demo camera's first start may still be making its clip on a busy machine)
        Wait.until("health healthy", Duration.ofSeconds(30),
                () -> api.get("/api/stream/health").json().path("status").asText().equals("healthy"));
    }

    @Test
    @Order(2)
    void tenKillRestartCyclesWithoutGrowthInThreadsOrFiles() {
        int threadsAfterFirst = -1;
        int filesAfterFirst = -1;
        long reconnectsBefore = api.camera("flaky").orElseThrow().path("reconnects").asLong();
        for (int cycle = 1; cycle <= 10; cycle++) {
            flaky.kill();
            Wait.until("cycle " + cycle + ": RECONNECTING", Duration.ofSeconds(10),
                    () -> api.state("flaky").matches("RECONNECTING|FAILED"));
            flaky.start();
            Duration back = Wait.until("cycle " + cycle + ": STREAMING", Duration.ofSeconds(10),
                    () -> api.state("flaky").equals("STREAMING"));
            assertThat(back).as("cycle %d reconnect time", cycle).isLessThan(Duration.ofSeconds(10));
            Wait.sleep(500);
            if (cycle == 1) {
                threadsAfterFirst = app.threads();
                filesAfterFirst = app.openFiles();
            }
        }
        Wait.sleep(1000);
        // A leak of one thread or descriptor per cycle would add 9; the slack covers HTTP keep-alive sockets.
        assertThat(app.threads()).as("threads after 10 cycles").isLessThanOrEqualTo(threadsAfterFirst + 2);
        assertThat(app.openFiles()).as("open files after 10 cycles").isLessThanOrEqualTo(filesAfterFirst + 3);
        assertThat(api.camera("flaky").orElseThrow().path("reconnects").asLong()).isGreaterThanOrEqualTo(reconnectsBefore + 10);
        assertThat(flaky.connectedClients()).as("RTSP clients of the flaky server").isEqualTo(1);
        assertThat(steady.connectedClients()).as("RTSP clients of the steady server").isEqualTo(1);
        assertThat(steady.describes("/cam")).as("steady camera never reconnected").isEqualTo(1);
    }
}
