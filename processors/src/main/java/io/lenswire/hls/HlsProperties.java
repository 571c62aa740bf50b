package io.lenswire.hls;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code lenswire.hls.*}: how each camera's LL-HLS segmenter cuts parts and segments, and what it keeps in memory. */
@ConfigurationProperties(prefix = "lenswire.hls")
public class HlsProperties {

    /** Target segment length; segments start at key frames, so a longer GOP makes longer segments. */
    private Duration segmentDuration = Duration.ofSeconds(1);
    /** Target partial-segment length (EXT-X-PART-INF PART-TARGET); no part is longer. */
    private Duration partDuration = Duration.ofMillis(200);
    /** Complete segments kept per camera (and listed in the playlist), besides the one being cut. */
    private int listSize = 6;
    /** Bytes kept per camera at most (init sections, and the whole arrays parts are cut into); the oldest segments go first. */
    private DataSize maxBytesPerCamera = DataSize.ofMegabytes(32);
    /** Requests one camera may hold waiting for a part (blocking reloads, preload hints); more are answered 503 at once. */
    private int maxWaitersPerCamera = 2000;
    /** A segmenter with no live session and no request for this long is stopped and its memory freed. */
    private Duration idleTimeout = Duration.ofSeconds(30);
    /** Longest a first playlist request waits for the segmenter's first part while the camera streams. */
    private Duration firstPlaylistWait = Duration.ofSeconds(8);

    public Duration getSegmentDuration() { return segmentDuration; }
    public void setSegmentDuration(Duration d) { this.segmentDuration = d; }
    public Duration getPartDuration() { return partDuration; }
    public void setPartDuration(Duration d) { this.partDuration = d; }
    public int getListSize() { return listSize; }
    public void setListSize(int listSize) { this.listSize = listSize; }
    public DataSize getMaxBytesPerCamera() { return maxBytesPerCamera; }
    public void setMaxBytesPerCamera(DataSize maxBytesPerCamera) { this.maxBytesPerCamera = maxBytesPerCamera; }
    public int getMaxWaitersPerCamera() { return maxWaitersPerCamera; }
    public void setMaxWaitersPerCamera(int maxWaitersPerCamera) { this.maxWaitersPerCamera = maxWaitersPerCamera; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public Duration getFirstPlaylistWait() { return firstPlaylistWait; }
    public void setFirstPlaylistWait(Duration d) { this.firstPlaylistWait = d; }

    LiveWindowSettings windowSettings() {
        return new LiveWindowSettings(partDuration, segmentDuration, listSize, maxBytesPerCamera.toBytes(), maxWaitersPerCamera);
    }
}
