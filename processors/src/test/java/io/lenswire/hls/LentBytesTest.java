package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class LentBytesTest {

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void chunksAreTheirLengthsAndToArrayCopiesWhatMayBeRecycled() {
        AtomicInteger readers = new AtomicInteger(1);
        byte[] a = {1, 2, 3, 9, 9};
        byte[] b = {4, 5};
        LentBytes lent = new LentBytes(List.of(new Chunk(a, 3), new Chunk(b, 2)), readers);
        assertThat(lent.length()).isEqualTo(5);
        assertThat(lent.toArray()).containsExactly(1, 2, 3, 4, 5);
        LentBytes single = new LentBytes(List.of(new Chunk(b, 2)), readers);
        assertThat(single.toArray()).as("recyclable: a copy").isEqualTo(b).isNotSameAs(b);
        assertThat(LentBytes.owned(b).toArray()).as("never recycled: the array itself").isSameAs(b);
        assertThat(new LentBytes(List.of(new Chunk(a, 3)), null).toArray()).as("part of an array: a copy").containsExactly(1, 2, 3);
    }

    @Test
    void closingGivesTheLoanBackOnce() {
        AtomicInteger readers = new AtomicInteger(2);
        LentBytes lent = new LentBytes(List.of(Chunk.of(new byte[1])), readers);
        lent.close();
        lent.close();
        assertThat(readers.get()).isOne();
        LentBytes.owned(new byte[1]).close(); // nothing to give back
    }

    @Test
    void aChunkStaysInsideItsArray() {
        assertThatThrownBy(() -> new Chunk(new byte[2], 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunk(new byte[2], -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Chunk(new byte[] {7, 8, 9}, 2).copy()).containsExactly(7, 8);
    }
}
