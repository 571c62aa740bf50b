package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A branch queue is full by bytes as well as by packets; drops are counted like any other. */
class ByteBoundedQueueTest {

    private static Exchange packet(CamelContext camel, int bytes, boolean key) {
        StreamInfo info = new StreamInfo(1, 0, "h264", 27, 640, 480, 25, 1, 90000, new byte[0], null);
        Exchange e = new DefaultExchange(camel);
        e.getIn().setBody(new EncodedPacket("cam", info, 0, true, key, 0, 0, 1, new byte[bytes], System.nanoTime()));
        e.getIn().setHeader(JavacvConstants.CAMERA_ID, "cam");
        e.getIn().setHeader(JavacvConstants.KEY_FRAME, key);
        return e;
    }

    @Test
    void countsBytesInAndOut() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ByteBoundedQueue q = new ByteBoundedQueue(100, 3_000_000);
            assertThat(q.offer(packet(camel, 1_000_000, true))).isTrue();
            assertThat(q.offer(packet(camel, 1_000_000, false))).isTrue();
            assertThat(q.offer(packet(camel, 1_000_000, false))).isTrue();
            assertThat(q.offer(packet(camel, 1, false))).as("over the byte bound, far below the packet bound").isFalse();
            assertThat(q.bytes()).isEqualTo(3_000_000);
            assertThat(q.poll()).isNotNull();
            assertThat(q.poll(1, TimeUnit.MILLISECONDS)).isNotNull();
            assertThat(q.bytes()).isEqualTo(1_000_000);
            List<Exchange> drained = new ArrayList<>();
            q.drainTo(drained);
            assertThat(drained).hasSize(1);
            assertThat(q.bytes()).isZero();
            assertThat(q.offer(packet(camel, 50_000_000, true))).as("an empty queue takes one packet of any size").isTrue();
            assertThat(q.offer(packet(camel, 1, false))).isFalse();
            q.clear();
            assertThat(q.bytes()).isZero();
        }
    }

    @Test
    void theGateDropsAndCountsWhenABranchQueueIsFullByBytes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CameraStatusRegistry statuses = new CameraStatusRegistry();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            IngestLimits limits = new IngestLimits();
            limits.setBranchQueueMaxBytes(DataSize.ofMegabytes(3));
            statuses.register("cam");
            FanOutGate gate = new FanOutGate(camel, statuses, new BranchDropMetrics(new SimpleMeterRegistry()), new BranchClosings(), limits);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:hls-cam?size=1000").process(e -> release.await(10, TimeUnit.SECONDS)); // a stuck branch
                }
            });
            int admitted = 0;
            for (int i = 0; i < 10; i++) {
                Exchange e = packet(camel, 1024 * 1024, i == 0);
                if (gate.admit(e, "hls")) {
                    camel.createProducerTemplate().send("seda:hls-cam?size=1000&discardWhenFull=true", e);
                    admitted++;
                }
            }
            // one packet is in the stuck consumer's hands, three fill 3 MB, the rest are dropped
            assertThat(admitted).isBetween(3, 4);
            assertThat(statuses.find("cam").orElseThrow().packetsDropped()).isEqualTo(10 - admitted);
            release.countDown();
        }
    }
}
