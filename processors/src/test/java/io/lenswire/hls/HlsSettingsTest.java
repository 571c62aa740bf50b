package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Settings that would make no sense are refused at start, with the setting's name. */
class HlsSettingsTest {

    @Test
    void theBatchWindowStaysUnderATenthOfASegment() {
        HlsProperties settings = new HlsProperties();
        settings.setSegmentDuration(Duration.ofSeconds(2));
        assertThatCode(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(200))).doesNotThrowAnyException();
        assertThatCode(() -> HlsMuxers.validateBatchWindow(settings, Duration.ZERO)).doesNotThrowAnyException();
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(201)))
                .hasMessageContaining("lenswire.ingest.batch-window").hasMessageContaining("200 ms");
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(-1)))
                .hasMessageContaining("lenswire.ingest.batch-window");
        settings.setSegmentDuration(Duration.ofMillis(500));
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(100)))
                .as("a 100 ms window with the shortest segments").hasMessageContaining("50 ms");
    }

    @Test
    void aPlaylistKeepsAtLeastTwoSegments() {
        HlsProperties settings = new HlsProperties();
        settings.setListSize(1);
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("lenswire.hls.list-size");
    }
}
