package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A slow branch loses packets (counted) down to the next key frame; ingest never waits for it. */
class FanOutGateTest {

    private CamelContext camel;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CameraStatusRegistry statuses = new CameraStatusRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BranchClosings closings = new BranchClosings();
    private FanOutGate gate;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:hls-cam?size=2").process(e -> release.await(10, TimeUnit.SECONDS)); // a stuck branch
            }
        });
        camel.start();
        statuses.register("cam");
        gate = new FanOutGate(camel, statuses, new BranchDropMetrics(meters), closings);
    }

    @AfterEach
    void stop() {
        release.countDown();
        camel.stop();
    }

    private Exchange packet(boolean keyFrame) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader(JavacvConstants.CAMERA_ID, "cam");
        e.getIn().setHeader(JavacvConstants.KEY_FRAME, keyFrame);
        return e;
    }

    private boolean offer(boolean keyFrame) {
        Exchange e = packet(keyFrame);
        if (!gate.admit(e, "hls")) {
            return false;
        }
        camel.createProducerTemplate().send("seda:hls-cam?size=2&discardWhenFull=true", e);
        return true;
    }

    @Test
    void aClosingBranchGetsNothingSoItsQueueCanDrain() {
        assertThat(gate.admit(packet(true), "hls")).isTrue();
        closings.closing("hls", "cam");
        assertThat(gate.admit(packet(true), "hls")).isFalse();
        assertThat(statuses.find("cam").orElseThrow().packetsDropped()).as("not a drop").isZero();
        closings.reopened("hls", "cam");
        assertThat(gate.admit(packet(true), "hls")).isTrue();
    }

    @Test
    void aBranchWithoutSubscriberGetsNothingAndCountsNoDrop() {
        assertThat(gate.admit(packet(true), "analytics")).isFalse();
        assertThat(statuses.find("cam").orElseThrow().packetsDropped()).isZero();
    }

    @Test
    void aFullBranchDropsUntilTheNextKeyFrameWithoutBlocking() throws Exception {
        long start = System.nanoTime();
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += offer(i == 0) ? 1 : 0;
        }
        long offeringMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(offeringMillis).as("ingest never waited for the stuck branch").isLessThan(1000);
        assertThat(admitted).as("one in flight + two queued").isBetween(2, 3);
        long dropped = statuses.find("cam").orElseThrow().packetsDropped();
        assertThat(dropped).isEqualTo(10 - admitted);
        assertThat(meters.counter("lenswire.branch.dropped.packets", "camera", "cam", "branch", "hls").count()).isEqualTo(dropped);

        release.countDown();
        SedaComponent seda = camel.getComponent("seda", SedaComponent.class);
        for (int i = 0; i < 100 && !seda.getQueueReference("seda://hls-cam").getQueue().isEmpty(); i++) {
            Thread.sleep(50); // the branch drains
        }
        assertThat(offer(false)).as("room again, but still waiting for a key frame").isFalse();
        assertThat(offer(true)).as("resynced at the key frame").isTrue();
        assertThat(offer(false)).isTrue();
        
    }
}
