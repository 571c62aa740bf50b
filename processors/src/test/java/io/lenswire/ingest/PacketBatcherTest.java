package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Batches close at the window, at the size bound and before every video key frame. */
class PacketBatcherTest {

    private static final StreamInfo INFO = new StreamInfo(1, 0, "h264", 27, 640, 480, 25, 1, 90000, new byte[0], null);

    static EncodedPacket packet(boolean video, boolean key, long receivedMillis, int bytes) {
        return new EncodedPacket("cam", INFO, video ? 0 : 1, video, key, receivedMillis, receivedMillis, 1, new byte[bytes],
                receivedMillis * 1_000_000);
    }

    @Test
    void aBatchIsHandedOnOnceItsFirstPacketWaitedTheWindow() {
        PacketBatcher batcher = new PacketBatcher(100_000_000, 256);
        assertThat(batcher.add(packet(true, true, 0, 10))).isEmpty();
        assertThat(batcher.add(packet(false, false, 20, 5))).isEmpty();
        assertThat(batcher.add(packet(true, false, 40, 10))).isEmpty();
        List<PacketBatch> ready = batcher.add(packet(true, false, 100, 10));
        assertThat(ready).hasSize(1);
        assertThat(ready.get(0).size()).isEqualTo(4);
        assertThat(ready.get(0).bytes()).isEqualTo(35);
        assertThat(ready.get(0).startsWithVideoKeyFrame()).isTrue();
        assertThat(batcher.flush()).isNull();
    }

    @Test
    void aVideoKeyFrameAlwaysStartsANewBatch() {
        PacketBatcher batcher = new PacketBatcher(100_000_000, 256);
        batcher.add(packet(true, false, 0, 1));
        batcher.add(packet(false, true, 10, 1)); // an audio "key" packet is no video key frame
        List<PacketBatch> ready = batcher.add(packet(true, true, 40, 1));
        assertThat(ready).hasSize(1);
        assertThat(ready.get(0).size()).isEqualTo(2);
        assertThat(ready.get(0).startsWithVideoKeyFrame()).isFalse();
        PacketBatch rest = batcher.flush();
        assertThat(rest.size()).isEqualTo(1);
        assertThat(rest.startsWithVideoKeyFrame()).isTrue();
    }

    @Test
    void aKeyFrameThatAlsoEndsTheWindowGivesTwoBatches() {
        PacketBatcher batcher = new PacketBatcher(0, 256);
        List<PacketBatch> ready = batcher.add(packet(true, true, 0, 1));
        assertThat(ready).as("a window of 0 is one packet per batch").hasSize(1);
        PacketBatcher sized = new PacketBatcher(1_000_000_000, 2);
        sized.add(packet(true, false, 0, 1));
        assertThat(sized.add(packet(true, false, 1, 1))).as("the size bound").hasSize(1);
        sized.add(packet(true, false, 2, 1));
        PacketBatcher windowed = new PacketBatcher(100_000_000, 256);
        windowed.add(packet(true, false, 0, 1));
        List<PacketBatch> two = windowed.add(packet(true, true, 0, 1));
        assertThat(two).hasSize(1);
        PacketBatcher single = new PacketBatcher(0, 256);
        assertThat(single.add(packet(true, false, 0, 1))).hasSize(1);
        assertThat(single.add(packet(true, true, 0, 1))).hasSize(1);
    }
}
