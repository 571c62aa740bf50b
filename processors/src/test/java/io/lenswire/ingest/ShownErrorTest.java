package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** last_error tells no port scanner whether a port was open, closed or filtered. */
class ShownErrorTest {

    @ParameterizedTest
    @ValueSource(strings = {"could not open the stream: Connection refused (-111)", "could not open the stream: timed out (no answer)",
        "could not open the stream: Invalid data found when processing input (-1094995529)", "the stream has no video",
        "could not read stream information: Server returned 401 Unauthorized (authorization failed) (-825242872)",
        "could not open the stream: No route to host (-113)"})
    void everyConnectFailureShowsOneMessage(String detail) {
        assertThat(JavacvConsumer.shownError(detail, false)).isEqualTo("could not connect to the camera");
        assertThat(JavacvConsumer.shownError(detail, true)).isEqualTo("the connection to the camera was lost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"the camera address is not allowed: its host resolves to a link-local address (where cloud metadata services answer)",
        "could not open the stream: the camera address is not allowed: the camera redirected to another host (lenswire...)"})
    void aRefusalByPolicySaysSoWithoutDetail(String detail) {
        assertThat(JavacvConsumer.shownError(detail, false)).isEqualTo("the camera address is not allowed");
    }
}
