package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A slow branch loses batches (counted in packets) down to the next key frame; ingest never waits for it. */
class BranchGateTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final CameraStatusRegistry statuses = new CameraStatusRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BranchId id = BranchId.hls("cam");
    private final Counter drops = Counter.builder("lenswire.branch.dropped.packets").tags(id.tags()).register(meters);

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    private Exchange batch(boolean key, int packets, int bytesEach) {
        EncodedPacket[] p = new EncodedPacket[packets];
        for (int i = 0; i < packets; i++) {
            p[i] = PacketBatcherTest.packet(true, key && i == 0, i, bytesEach);
        }
        Exchange e = new DefaultExchange(camel);
        e.getIn().setBody(PacketBatch.of(p));
        return e;
    }

    private BranchGate gate(ByteBoundedQueue queue) {
        BranchGate gate = new BranchGate(id, statuses.register("cam"), drops);
        gate.attach(queue);
        return gate;
    }

    private boolean offer(BranchGate gate, ByteBoundedQueue queue, Exchange e) {
        if (!gate.admit(e)) {
            return false;
        }
        assertThat(queue.offer(e)).as("room was checked").isTrue();
        return true;
    }

    @Test
    void aClosedBranchGetsNothingAndCountsNoDrop() {
        ByteBoundedQueue queue = new ByteBoundedQueue(4, 1_000_000);
        BranchGate gate = gate(queue);
        assertThat(gate.admit(batch(true, 1, 10))).as("not open yet").isFalse();
        gate.open();
        Exchange admitted = batch(true, 1, 10);
        assertThat(gate.admit(admitted)).isTrue();
        assertThat(admitted.getProperty(BranchGate.ADMITTED_TO)).as("stamped for the runner's check").isEqualTo(id);
        gate.close();
        assertThat(gate.admit(batch(true, 1, 10))).isFalse();
        assertThat(statuses.find("cam").orElseThrow().packetsDropped()).isZero();
        assertThat(drops.count()).isZero();
    }

    @Test
    void aFullBranchDropsUntilABatchThatStartsWithAKeyFrame() {
        ByteBoundedQueue queue = new ByteBoundedQueue(2, 1_000_000);
        BranchGate gate = gate(queue);
        gate.open();
        assertThat(offer(gate, queue, batch(false, 3, 10))).as("a new branch starts at once (from the GOP cache)").isTrue();
        assertThat(offer(gate, queue, batch(false, 3, 10))).isTrue();
        assertThat(offer(gate, queue, batch(true, 3, 10))).as("full by count").isFalse();
        assertThat(drops.count()).as("counted in packets").isEqualTo(3);
        queue.poll();
        queue.poll();
        assertThat(offer(gate, queue, batch(false, 2, 10))).as("room again, but waiting for a key frame").isFalse();
        assertThat(drops.count()).isEqualTo(5);
        assertThat(offer(gate, queue, batch(true, 2, 10))).as("resynced at the key frame").isTrue();
        assertThat(offer(gate, queue, batch(false, 2, 10))).isTrue();
        assertThat(statuses.find("cam").orElseThrow().packetsDropped()).isEqualTo(5);
    }

    @Test
    void aBranchQueueIsFullByBytesToo() {
        ByteBoundedQueue queue = new ByteBoundedQueue(1000, 3 * 1024 * 1024);
        BranchGate gate = gate(queue);
        gate.open();
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += offer(gate, queue, batch(i == 0, 2, 512 * 1024)) ? 1 : 0;
        }
        assertThat(admitted).as("3 MB hold three 1 MB batches").isEqualTo(3);
        assertThat(drops.count()).isEqualTo(14);
        assertThat(queue.bytes()).isEqualTo(3 * 1024 * 1024);
    }
}
