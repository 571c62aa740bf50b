package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FragmentBuffersTest {

    @Test
    void aNewArrayIsRoundedUpToTheGranule() {
        FragmentBuffers buffers = new FragmentBuffers(4);
        assertThat(buffers.take(1)).hasSize(FragmentBuffers.GRANULE);
        assertThat(buffers.take(FragmentBuffers.GRANULE)).hasSize(FragmentBuffers.GRANULE);
        assertThat(buffers.take(FragmentBuffers.GRANULE + 1)).hasSize(2 * FragmentBuffers.GRANULE);
        assertThat(buffers.take(0)).isEmpty();
        assertThat(buffers.made()).isEqualTo(4);
        assertThatThrownBy(() -> buffers.take(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anArrayHandedBackIsTakenAgainForAPartItFitsWithoutWastingMoreThanHalf() {
        FragmentBuffers buffers = new FragmentBuffers(4);
        byte[] big = buffers.take(40_000); // 40 960
        buffers.give(big);
        assertThat(buffers.free()).isOne();
        assertThat(buffers.take(50_000)).as("too small for it").isNotSameAs(big).hasSizeGreaterThanOrEqualTo(50_000);
        assertThat(buffers.take(20_000)).as("would waste more than half of it").isNotSameAs(big);
        assertThat(buffers.free()).isOne();
        assertThat(buffers.take(20_480)).as("exactly half").isSameAs(big);
        assertThat(buffers.free()).isZero();
        assertThat(buffers.take(20_480)).as("taken once only").isNotSameAs(big);
        byte[] granule = buffers.take(10);
        buffers.give(granule);
        assertThat(buffers.take(1)).as("a new one would be as long").isSameAs(granule);
    }

    @Test
    void theSmallestArrayThatFitsIsTaken() {
        FragmentBuffers buffers = new FragmentBuffers(4);
        byte[] small = new byte[8192];
        byte[] middle = new byte[12288];
        byte[] large = new byte[16384];
        buffers.give(large);
        buffers.give(small);
        buffers.give(middle);
        assertThat(buffers.take(9000)).isSameAs(middle);
        assertThat(buffers.take(8000)).isSameAs(small);
        assertThat(buffers.take(8200)).isSameAs(large);
    }

    @Test
    void atMostMaxArraysAreKept() {
        FragmentBuffers buffers = new FragmentBuffers(2);
        byte[] a = new byte[4096];
        byte[] b = new byte[4096];
        byte[] c = new byte[4096];
        buffers.give(a);
        buffers.give(b);
        buffers.give(c);
        assertThat(buffers.free()).isEqualTo(2);
        byte[] first = buffers.take(4096);
        byte[] second = buffers.take(4096);
        assertThat(first == a && second == b || first == b && second == a).as("the two kept, once each").isTrue();
        byte[] third = buffers.take(4096);
        assertThat(third).isNotSameAs(a).isNotSameAs(b).isNotSameAs(c);
        FragmentBuffers none = new FragmentBuffers(0);
        none.give(a);
        assertThat(none.free()).isZero();
    }
}
