package io.lenswire.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lenswire.events.*}: which analytics results and camera changes become events, how long
 * events are kept, and the live stream. Every default is also written, with a comment, in
 * application.yaml.
 */
@ConfigurationProperties(prefix = "lenswire.events")
public class EventsProperties {

    /**
     * A recognized person gets a new {@code face.recognized} on a camera only when that camera has
     * not seen them for this long: one alert per visit, however long the visit lasts.
     */
    private Duration recognizedCooldown = Duration.ofSeconds(30);
    /** {@code face.unknown} events (a face that stays unnamed); off by default. */
    private boolean unknownEnabled = false;
    /** At most one {@code face.unknown} per camera in this time. */
    private Duration unknownCooldown = Duration.ofSeconds(60);
    /** A camera RECONNECTING or FAILED for longer than this is reported {@code camera.offline}. */
    private Duration cameraOfflineGrace = Duration.ofSeconds(10);
    /** Events older than this are deleted (with their snapshots and deliveries). */
    private Duration retentionMaxAge = Duration.ofDays(7);
    /** At most this many events are kept; the oldest go first (never one with a pending delivery). */
    private long retentionMaxCount = 100_000;
    /** How often retention runs. */
    private Duration retentionInterval = Duration.ofMinutes(10);
    /**
     * Base URL put in front of {@code snapshot_url} (e.g. https://lenswire.example.com); empty
     * leaves the path alone ({@code /api/events/{id}/snapshot.jpg}).
     */
    private String publicBaseUrl = "";
    /** Comment line sent on idle SSE streams so that proxies keep them open. */
    private Duration streamHeartbeat = Duration.ofSeconds(15);
    /** Open SSE streams at most; more answer 503. */
    private int streamMaxClients = 100;

    public Duration getRecognizedCooldown() { return recognizedCooldown; }
    public void setRecognizedCooldown(Duration d) { this.recognizedCooldown = d; }
    public boolean isUnknownEnabled() { return unknownEnabled; }
    public void setUnknownEnabled(boolean b) { this.unknownEnabled = b; }
    public Duration getUnknownCooldown() { return unknownCooldown; }
    public void setUnknownCooldown(Duration d) { this.unknownCooldown = d; }
    public Duration getCameraOfflineGrace() { return cameraOfflineGrace; }
    public void setCameraOfflineGrace(Duration d) { this.cameraOfflineGrace = d; }
    public Duration getRetentionMaxAge() { return retentionMaxAge; }
    public void setRetentionMaxAge(Duration d) { this.retentionMaxAge = d; }
    public long getRetentionMaxCount() { return retentionMaxCount; }
    public void setRetentionMaxCount(long n) { this.retentionMaxCount = n; }
    public Duration getRetentionInterval() { return retentionInterval; }
    public void setRetentionInterval(Duration d) { this.retentionInterval = d; }
    public String getPublicBaseUrl() { return publicBaseUrl; }
    public void setPublicBaseUrl(String u) { this.publicBaseUrl = u; }
    public Duration getStreamHeartbeat() { return streamHeartbeat; }
    public void setStreamHeartbeat(Duration d) { this.streamHeartbeat = d; }
    public int getStreamMaxClients() { return streamMaxClients; }
    public void setStreamMaxClients(int n) { this.streamMaxClients = n; }
}
