package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A branch queue is full by bytes as well as by packets; drops are counted like any other. */
class ByteBoundedQueueTest {

    private static Exchange packet(CamelContext camel, int bytes, boolean key) {
        StreamInfo info = new StreamInfo(1, 0, "h264", 27, 640, 480, 25, 1, 90000, new byte[0], null);
        Exchange e = new DefaultExchange(camel);
        e.getIn().setBody(new EncodedPacket("cam", info, 0, true, key, 0, 0, 1, new byte[bytes], System.nanoTime()));
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
    void aBatchCountsAllItsBytes() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange e = new DefaultExchange(camel);
            e.getIn().setBody(PacketBatch.of(PacketBatcherTest.packet(true, true, 0, 1000), PacketBatcherTest.packet(false, false, 1, 24)));
            assertThat(ByteBoundedQueue.sizeOf(e)).isEqualTo(1024);
        }
    }
}
