package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Settings that would make no sense are refused at start, with the setting's name. */
class HlsSettingsTest {

    @Test
    void theBatchWindowStaysUnderATenthOfAPart() {
        HlsProperties settings = new HlsProperties();
        settings.setPartDuration(Duration.ofMillis(200));
        assertThatCode(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(20))).doesNotThrowAnyException();
        assertThatCode(() -> HlsMuxers.validateBatchWindow(settings, Duration.ZERO)).doesNotThrowAnyException();
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(21)))
                .hasMessageContaining("lenswire.ingest.batch-window").hasMessageContaining("20 ms");
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(-1)))
                .hasMessageContaining("lenswire.ingest.batch-window");
        settings.setPartDuration(Duration.ofMillis(100));
        assertThatThrownBy(() -> HlsMuxers.validateBatchWindow(settings, Duration.ofMillis(20)))
                .as("a 20 ms window with 100 ms parts").hasMessageContaining("10 ms");
    }

    @Test
    void defaultsAreValid() {
        assertThatCode(() -> HlsMuxers.validate(new HlsProperties())).doesNotThrowAnyException();
    }

    @Test
    void aPlaylistKeepsAtLeastTwoSegments() {
        HlsProperties settings = new HlsProperties();
        settings.setListSize(1);
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("lenswire.hls.list-size");
    }

    @Test
    void partsAreAtMostHalfASegmentAndNotTiny() {
        HlsProperties settings = new HlsProperties();
        settings.setSegmentDuration(Duration.ofSeconds(1));
        settings.setPartDuration(Duration.ofMillis(501));
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("lenswire.hls.part-duration");
        settings.setPartDuration(Duration.ofMillis(49));
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("lenswire.hls.part-duration");
        settings.setPartDuration(Duration.ofMillis(500));
        assertThatCode(() -> HlsMuxers.validate(settings)).doesNotThrowAnyException();
    }

    @Test
    void memoryAndWaiterBoundsMustLeaveRoomToPlay() {
        HlsProperties settings = new HlsProperties();
        settings.setMaxBytesPerCamera(DataSize.ofKilobytes(512));
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("max-bytes-per-camera");
        settings.setMaxBytesPerCamera(DataSize.ofMegabytes(1));
        settings.setMaxWaitersPerCamera(0);
        assertThatThrownBy(() -> HlsMuxers.validate(settings)).hasMessageContaining("max-waiters-per-camera");
    }
}
