package io.lenswire.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import io.lenswire.config.SecretBox;
import io.lenswire.events.EventType;

/**
 * Webhook endpoints (table {@code webhook_endpoints}). Endpoints from application.yaml are written
 * here at start (origin {@code config}; the file stays their source of truth, so the API does not
 * change or delete them), next to those created over the API (origin {@code api}). Signing secrets
 * are stored encrypted by {@link SecretBox}; rows written before that are encrypted at start.
 */
@Repository
public class WebhookEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoints.class);
    static final String ID_PATTERN = "[A-Za-z0-9_-]{1,40}";
    private static final String COLUMNS = "endpoint_id, url, description, event_types, enabled, disabled_reason, origin, secret,"
            + " previous_secret, previous_secret_until, created_at, updated_at";
    static final String SECRET_PURPOSE = "webhook_endpoints.secret";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecretBox secrets;
    private final RowMapper<WebhookEndpoint> row = this::row;

    public WebhookEndpoints(JdbcTemplate jdbc, Clock clock, WebhookProperties settings, SecretBox secrets) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.secrets = secrets;
        sealPlainSecrets();
        syncConfigured(settings);
    }

    private void sealPlainSecrets() {
        List<String[]> plain = jdbc.query("SELECT endpoint_id, secret, previous_secret FROM webhook_endpoints"
                + " WHERE secret NOT LIKE 'enc:%' OR previous_secret NOT LIKE 'enc:%'",
                (rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        for (String[] r : plain) {
            jdbc.update("UPDATE webhook_endpoints SET secret = ?, previous_secret = ? WHERE endpoint_id = ?",
                    seal(secrets.open(r[1], SECRET_PURPOSE)), seal(secrets.open(r[2], SECRET_PURPOSE)), r[0]);
        }
        if (!plain.isEmpty()) {
            LOG.info("encrypted the stored secret of {} webhook endpoint(s) written by an earlier version", plain.size());
        }
    }

    private String seal(String secret) {
        return secrets.seal(secret, SECRET_PURPOSE);
    }

    /** Makes the config-origin rows match application.yaml: added, updated (and enabled again), or removed. */
    private void syncConfigured(WebhookProperties settings) {
        Set<String> ids = new HashSet<>();
        List<WebhookProperties.ConfiguredEndpoint> configured = settings.getEndpoints();
        for (int i = 0; i < configured.size(); i++) {
            WebhookProperties.ConfiguredEndpoint c = configured.get(i);
            String id = c.getId() == null || c.getId().isBlank() ? "config-" + i : c.getId();
            String where = "lenswire.webhooks.endpoints[" + i + "]";
            if (!id.matches(ID_PATTERN)) {
                throw new IllegalStateException(where + ".id must be 1-40 letters, digits, '-' or '_'");
            }
            if (!ids.add(id)) {
                throw new IllegalStateException(where + ": id '" + id + "' is used twice");
            }
            WebhookUrlPolicy.parse(c.getUrl()); // scheme and form; addresses are checked at each connect
            if (WebhookSecrets.key(c.getSecret()).isEmpty()) {
                throw new IllegalStateException(where + ".secret must be whsec_ followed by base64 of 24 to 64 bytes"
                        + " (e.g. whsec_$(openssl rand -base64 32))");
            }
            List<String> events = WebhookEventTypes.check(c.getEvents(), where + ".events");
            long now = clock.millis();
            int updated = jdbc.update("UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, enabled = TRUE,"
                    + " disabled_reason = NULL, secret = ?, updated_at = ? WHERE endpoint_id = ? AND origin = ?",
                    c.getUrl(), description(c.getDescription()), String.join(",", events), seal(c.getSecret()), now, id,
                    WebhookEndpoint.ORIGIN_CONFIG);
            if (updated == 0) {
                if (find(id).isPresent()) {
                    throw new IllegalStateException(where + ": id '" + id + "' is taken by an endpoint created over the API");
                }
                jdbc.update("INSERT INTO webhook_endpoints (" + COLUMNS + ") VALUES (?, ?, ?, ?, TRUE, NULL, ?, ?, NULL, NULL, ?, ?)",
                        id, c.getUrl(), description(c.getDescription()), String.join(",", events), WebhookEndpoint.ORIGIN_CONFIG,
                        seal(c.getSecret()), now, now);
            }
        }
        for (WebhookEndpoint e : all()) {
            if (e.origin().equals(WebhookEndpoint.ORIGIN_CONFIG) && !ids.contains(e.id())) {
                jdbc.update("DELETE FROM webhook_endpoints WHERE endpoint_id = ?", e.id());
                LOG.info("webhook endpoint {} is no longer in application.yaml: removed", e.id());
            }
        }
        if (!ids.isEmpty()) {
            LOG.info("{} webhook endpoint(s) from application.yaml: {}", ids.size(), ids);
        }
    }

    private static String description(String d) {
        return d == null ? "" : d;
    }

    public List<WebhookEndpoint> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints ORDER BY created_at, endpoint_id", row);
    }

    public List<WebhookEndpoint> enabled() {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE enabled = TRUE", row);
    }

    public Optional<WebhookEndpoint> find(String id) {
        if (id == null || !id.matches(ID_PATTERN)) {
            return Optional.empty();
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE endpoint_id = ?", row, id).stream().findFirst();
    }

    public int count() {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM webhook_endpoints", Integer.class);
        return n == null ? 0 : n;
    }

    public void insert(WebhookEndpoint e) {
        jdbc.update("INSERT INTO webhook_endpoints (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.id(), e.url(), e.description(), String.join(",", e.events()), e.enabled(), e.disabledReason(), e.origin(),
                seal(e.secret()), seal(e.previousSecret()), e.previousSecretUntil(), e.createdAt(), e.updatedAt());
    }

    public void update(WebhookEndpoint e) {
        jdbc.update("UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, enabled = ?, disabled_reason = ?,"
                + " secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ? WHERE endpoint_id = ?",
                e.url(), e.description(), String.join(",", e.events()), e.enabled(), e.disabledReason(), seal(e.secret()),
                seal(e.previousSecret()), e.previousSecretUntil(), e.updatedAt(), e.id());
    }

    /** After a 410 Gone: the endpoint gets nothing more until it is enabled again. */
    public void disable(String id, String reason) {
        jdbc.update("UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = ?, updated_at = ? WHERE endpoint_id = ?",
                reason, clock.millis(), id);
    }

    public boolean delete(String id) {
        return jdbc.update("DELETE FROM webhook_endpoints WHERE endpoint_id = ?", id) > 0;
    }

    private WebhookEndpoint row(ResultSet rs, int n) throws SQLException {
        long until = rs.getLong("previous_secret_until");
        Long previousUntil = rs.wasNull() ? null : until;
        String types = rs.getString("event_types");
        return new WebhookEndpoint(rs.getString("endpoint_id"), rs.getString("url"), rs.getString("description"),
                types.isEmpty() ? List.of() : Arrays.asList(types.split(",")), rs.getBoolean("enabled"),
                rs.getString("disabled_reason"), rs.getString("origin"), secrets.open(rs.getString("secret"), SECRET_PURPOSE),
                secrets.open(rs.getString("previous_secret"), SECRET_PURPOSE),
                previousUntil, rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
