package io.lenswire.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lenswire.webhooks.*}: endpoints from the configuration file and how deliveries are made.
 * Every default is also written, with a comment, in application.yaml.
 */
@ConfigurationProperties(prefix = "lenswire.webhooks")
public class WebhookProperties {

    /** Endpoints from application.yaml (more can be added with POST /api/webhooks). */
    private List<ConfiguredEndpoint> endpoints = new ArrayList<>();
    /**
     * Wait before each retry (the first attempt is immediate), like the Standard Webhooks reference
     * schedule; after the last one a delivery is failed.
     */
    private List<Duration> retrySchedule = new ArrayList<>(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)));
    /** Each retry's wait is moved by up to this fraction either way, so retries of many messages spread out. */
    private double retryJitter = 0.2;
    /** Longest one attempt may take, connect to last byte of the answer. */
    private Duration attemptTimeout = Duration.ofSeconds(10);
    /** Attempts in flight to one endpoint at most; a slow endpoint only ever holds its own. */
    private int maxConcurrencyPerEndpoint = 4;
    /** How often the outbox is looked at for due deliveries (new events also wake it at once). */
    private Duration pollInterval = Duration.ofMillis(500);
    /** After rotate-secret, the old secret keeps signing next to the new one for this long. */
    private Duration secretRotationOverlap = Duration.ofHours(24);
    /**
     * Loopback and private (RFC 1918, ULA) addresses may be webhook targets. Link-local and cloud
     * metadata addresses never may.
     */
    private boolean allowPrivateNetworks = true;
    /** Endpoints at most (configured and created). */
    private int maxEndpoints = 100;

    public List<ConfiguredEndpoint> getEndpoints() { return endpoints; }
    public void setEndpoints(List<ConfiguredEndpoint> endpoints) { this.endpoints = endpoints; }
    public List<Duration> getRetrySchedule() { return retrySchedule; }
    public void setRetrySchedule(List<Duration> s) { this.retrySchedule = s; }
    public double getRetryJitter() { return retryJitter; }
    public void setRetryJitter(double j) { this.retryJitter = j; }
    public Duration getAttemptTimeout() { return attemptTimeout; }
    public void setAttemptTimeout(Duration d) { this.attemptTimeout = d; }
    public int getMaxConcurrencyPerEndpoint() { return maxConcurrencyPerEndpoint; }
    public void setMaxConcurrencyPerEndpoint(int n) { this.maxConcurrencyPerEndpoint = n; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration d) { this.pollInterval = d; }
    public Duration getSecretRotationOverlap() { return secretRotationOverlap; }
    public void setSecretRotationOverlap(Duration d) { this.secretRotationOverlap = d; }
    public boolean isAllowPrivateNetworks() { return allowPrivateNetworks; }
    public void setAllowPrivateNetworks(boolean b) { this.allowPrivateNetworks = b; }
    public int getMaxEndpoints() { return maxEndpoints; }
    public void setMaxEndpoints(int n) { this.maxEndpoints = n; }

    /** One endpoint from the configuration file. */
    public static class ConfiguredEndpoint {
        /** Stable id (letters, digits, '-', '_'); default {@code config-<index>}. */
        private String id;
        private String url;
        /** Event types to deliver: at least one (the start fails on an empty list or an unknown type). */
        private List<String> events = new ArrayList<>();
        /** {@code whsec_} + base64 of at least 24 bytes (a generated one is logged nowhere). */
        private String secret;
        private String description = "";

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }
        public String getDescription() { return description; }
        public void setDescription(String description) { this.description = description; }
    }
}
