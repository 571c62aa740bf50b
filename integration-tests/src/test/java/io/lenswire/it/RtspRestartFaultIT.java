package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/**
 * Fault suite: the camera's RTSP server killed and restarted 25 times. Every cycle recovers within
 * 10 s, and the server process (threads in /proc/pid/task, descriptors in /proc/pid/fd) does not
 * grow with the cycles.
 */
class RtspRestartFaultIT {

    private static final int CYCLES = 25;
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264");
        app = LenswireProcess.start("rtsprestart");
        api = app.api();
        assertThat(api.addCamera("cam", rtsp.url("/cam")).status()).isEqualTo(201);
        Wait.until("STREAMING", Duration.ofSeconds(20), () -> api.state("cam").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    @Test
    void twentyFiveKillRestartCyclesAllRecoverWithoutGrowth() {
        int threadsAfterFirst = -1;
        int filesAfterFirst = -1;
        long reconnectsBefore = api.camera("cam").orElseThrow().path("reconnects").asLong();
        List<Long> recoveryMillis = new ArrayList<>();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            rtsp.kill();
            Wait.until("cycle " + cycle + ": connection lost", Duration.ofSeconds(10),
                    () -> api.state("cam").matches("RECONNECTING|FAILED"));
            rtsp.start();
            Duration back = Wait.until("cycle " + cycle + ": STREAMING again", RECOVERY.plusSeconds(5),
                    () -> api.state("cam").equals("STREAMING"));
            recoveryMillis.add(back.toMillis());
            Wait.sleep(300);
            if (cycle == 1) {
                threadsAfterFirst = app.threads();
                filesAfterFirst = app.openFiles();
            }
        }
        System.out.printf("RtspRestartFaultIT: recovery ms per cycle %s; threads %d -> %d; fds %d -> %d%n",
                recoveryMillis, threadsAfterFirst, app.threads(), filesAfterFirst, app.openFiles());
        assertThat(recoveryMillis).as("recovery time of each of %d cycles", CYCLES).hasSize(CYCLES)
                .allSatisfy(ms -> assertThat(ms).isLessThan(RECOVERY.toMillis()));
        Wait.sleep(1000);
        // a leak of one thread or descriptor per cycle would add 24; the slack covers HTTP keep-alive sockets
        assertThat(app.threads()).as("threads after %d cycles", CYCLES).isLessThanOrEqualTo(threadsAfterFirst + 2);
        assertThat(app.openFiles()).as("open files after %d cycles", CYCLES).isLessThanOrEqualTo(filesAfterFirst + 3);
        assertThat(api.camera("cam").orElseThrow().path("reconnects").asLong()).isGreaterThanOrEqualTo(reconnectsBefore + CYCLES);
        assertThat(rtsp.connectedClients()).as("RTSP clients of the server").isEqualTo(1);
        assertThat(api.get("/api/stream/health").json().path("status").asText()).isEqualTo("healthy");
    }
}
