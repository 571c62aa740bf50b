package io.lenswire.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventCursorTest {

    @Test
    void roundTripsAndRefusesAnythingElse() {
        assertThat(EventCursor.decode(EventCursor.encode(12345))).hasValue(12345L);
        assertThat(EventCursor.decode("12345")).isEmpty();
        assertThat(EventCursor.decode("!!!")).isEmpty();
        assertThat(EventCursor.decode(EventCursor.encode(0))).isEmpty();
        assertThat(EventCursor.decode("x".repeat(100))).isEmpty();
        assertThat(EventCursor.decode(null)).isEmpty();
    }
}
