package io.lenswire.hls;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code lenswire.hls.*}: how the per-camera HLS muxer cuts and keeps segments. */
@ConfigurationProperties(prefix = "lenswire.hls")
public class HlsProperties {

    /** Target segment length (the original system used 2 s). Segments are cut at key frames. */
    private Duration segmentDuration = Duration.ofSeconds(2);
    /** Length of the first segment, shorter so the first playlist is ready sooner. */
    private Duration firstSegmentDuration = Duration.ofMillis(500);
    /** Segments listed in the playlist; older ones are deleted. */
    private int listSize = 5;
    /** A muxer with no live session and no request for this long is stopped and its files deleted. */
    private Duration idleTimeout = Duration.ofSeconds(30);
    /** Longest a first playlist request waits for the muxer's first segment. */
    private Duration firstPlaylistWait = Duration.ofSeconds(8);

    public Duration getSegmentDuration() { return segmentDuration; }
    public void setSegmentDuration(Duration d) { this.segmentDuration = d; }
    public Duration getFirstSegmentDuration() { return firstSegmentDuration; }
    public void setFirstSegmentDuration(Duration d) { this.firstSegmentDuration = d; }
    public int getListSize() { return listSize; }
    public void setListSize(int listSize) { this.listSize = listSize; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public Duration getFirstPlaylistWait() { return firstPlaylistWait; }
    public void setFirstPlaylistWait(Duration d) { this.firstPlaylistWait = d; }
}
