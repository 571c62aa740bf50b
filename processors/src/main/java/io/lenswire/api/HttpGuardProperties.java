package io.lenswire.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of {@link RequestGuardFilter}: {@code lenswire.http.*}. */
@ConfigurationProperties(prefix = "lenswire.http")
public class HttpGuardProperties {

    /**
     * Serve every {@code /actuator} endpoint (Prometheus metrics, health with detail) without the
     * API key, for scrapers on a private network. Off: only {@code /actuator/health} (status
     * alone) is public; the rest needs {@code X-API-Key}, and health shows detail with it.
     */
    private boolean publicActuator = false;

    public boolean isPublicActuator() { return publicActuator; }
    public void setPublicActuator(boolean publicActuator) { this.publicActuator = publicActuator; }
}
