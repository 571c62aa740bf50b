package io.lenswire.webhooks;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiResponses;
import io.lenswire.api.JsonRequests;
import io.lenswire.api.QueryParams;
import io.lenswire.events.EventMessages;
import io.lenswire.events.EventStore;
import io.lenswire.events.EventType;
import io.lenswire.events.NewEvent;

/** The webhooks API (routes/api-webhooks.yaml): endpoints, secrets, test events, deliveries. */
@Component("webhooksApi")
public class WebhooksApi {

    static final int MAX_DELIVERIES_PAGE = 500;

    private final WebhookEndpoints endpoints;
    private final WebhookOutbox outbox;
    private final WebhookUrlPolicy urls;
    private final WebhookSecrets secrets = new WebhookSecrets();
    private final EventStore events;
    private final JsonRequests json;
    private final WebhookProperties settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public WebhooksApi(WebhookEndpoints endpoints, WebhookOutbox outbox, WebhookUrlPolicy urls, EventStore events, JsonRequests json,
                       WebhookProperties settings, Clock clock) {
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.urls = urls;
        this.events = events;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    public void create(Exchange exchange) {
        WebhookRequest r = WebhookRequest.parse(json.readObject(exchange));
        if (r.url() == null) {
            throw ApiException.badField("url", "'url' is required");
        }
        if (r.events() == null) {
            throw ApiException.badField("events", "'events' is required: a list of event types");
        }
        urls.check(r.url());
        if (endpoints.count() >= settings.getMaxEndpoints()) {
            throw ApiException.conflict("There are already " + settings.getMaxEndpoints() + " webhook endpoints (lenswire.webhooks.max-endpoints)");
        }
        long now = clock.millis();
        String secret = secrets.generate();
        WebhookEndpoint e = new WebhookEndpoint(newId(), r.url(), r.description() == null ? "" : r.description(), r.events(),
                r.enabled() == null || r.enabled(), null, WebhookEndpoint.ORIGIN_API, secret, null, null, now, now);
        endpoints.insert(e);
        Map<String, Object> body = ok();
        body.put("webhook", e.toApi());
        body.put("secret", secret);
        exchange.setProperty(ApiResponses.STATUS, 201);
        exchange.getMessage().setBody(body);
    }

    public void list(Exchange exchange) {
        Map<String, Object> body = ok();
        body.put("webhooks", endpoints.all().stream().map(WebhookEndpoint::toApi).toList());
        exchange.getMessage().setBody(body);
    }

    public void get(Exchange exchange) {
        Map<String, Object> body = ok();
        body.put("webhook", endpoint(exchange).toApi());
        exchange.getMessage().setBody(body);
    }

    public void update(Exchange exchange) {
        WebhookEndpoint e = changeable(exchange);
        WebhookRequest r = WebhookRequest.parse(json.readObject(exchange));
        if (r.url() == null && r.events() == null && r.description() == null && r.enabled() == null) {
            throw ApiException.badRequest("Nothing to change: send one or more of url, events, description, enabled");
        }
        if (r.url() != null) {
            urls.check(r.url());
        }
        boolean enabled = r.enabled() == null ? e.enabled() : r.enabled();
        WebhookEndpoint changed = new WebhookEndpoint(e.id(), r.url() == null ? e.url() : r.url(),
                r.description() == null ? e.description() : r.description(), r.events() == null ? e.events() : r.events(), enabled,
                enabled ? null : (r.enabled() != null ? "disabled over the API" : e.disabledReason()), e.origin(), e.secret(),
                e.previousSecret(), e.previousSecretUntil(), e.createdAt(), clock.millis());
        endpoints.update(changed);
        Map<String, Object> body = ok();
        body.put("webhook", changed.toApi());
        exchange.getMessage().setBody(body);
    }

    public void delete(Exchange exchange) {
        WebhookEndpoint e = changeable(exchange);
        endpoints.delete(e.id());
        Map<String, Object> body = ok();
        body.put("deleted", e.id());
        exchange.getMessage().setBody(body);
    }

    /** A new secret; the old one keeps signing beside it for the configured overlap. */
    public void rotateSecret(Exchange exchange) {
        WebhookEndpoint e = changeable(exchange);
        long now = clock.millis();
        String secret = secrets.generate();
        long until = now + settings.getSecretRotationOverlap().toMillis();
        WebhookEndpoint rotated = new WebhookEndpoint(e.id(), e.url(), e.description(), e.events(), e.enabled(), e.disabledReason(),
                e.origin(), secret, e.secret(), until, e.createdAt(), now);
        endpoints.update(rotated);
        Map<String, Object> body = ok();
        body.put("webhook", rotated.toApi());
        body.put("secret", secret);
        exchange.getMessage().setBody(body);
    }

    /** Exchange property: the endpoint a test event is for, kept while the event route replaces the headers. */
    static final String TEST_ENDPOINT = "LenswireWebhookTestEndpoint";

    /**
     * Route step: a webhook.test event for this endpoint alone, as the body for the event route
     * (direct:store-event), which stores it and delivers it through the outbox like any other.
     */
    public void testEvent(Exchange exchange) {
        WebhookEndpoint e = endpoint(exchange);
        if (!e.enabled()) {
            throw ApiException.conflict("Webhook " + e.id() + " is disabled; enable it first (PATCH {\"enabled\": true})");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhook_id", e.id());
        data.put("message", "A test event from Lenswire");
        exchange.setProperty(TEST_ENDPOINT, e.id());
        exchange.getMessage().setBody(new NewEvent(EventType.WEBHOOK_TEST, null, null, clock.instant(), data, null, null, e.id()));
    }

    /** Route step after the event route: 202 with the stored event's id and its delivery. */
    public void testAccepted(Exchange exchange) {
        String eventId = exchange.getMessage().getHeader(EventMessages.EVENT_ID, String.class);
        String endpointId = exchange.getProperty(TEST_ENDPOINT, String.class);
        Map<String, Object> body = ok();
        body.put("event_id", eventId);
        body.put("delivery_id", events.seqOf(eventId).flatMap(seq -> outbox.deliveryOf(seq, endpointId)).orElse(null));
        exchange.setProperty(ApiResponses.STATUS, 202);
        exchange.getMessage().setBody(body);
    }

    public void deliveries(Exchange exchange) {
        WebhookEndpoint e = endpoint(exchange);
        String status = QueryParams.single(exchange, "status");
        if (status != null && !List.of(WebhookOutbox.PENDING, WebhookOutbox.DELIVERED, WebhookOutbox.FAILED).contains(status)) {
            throw ApiException.badRequest("'status' must be pending, delivered or failed");
        }
        int limit = QueryParams.intInRange(exchange, "limit", 100, 1, MAX_DELIVERIES_PAGE);
        Long before = QueryParams.optionalLong(exchange, "before");
        List<Map<String, Object>> rows = outbox.deliveries(e.id(), status, before, limit);
        Map<String, Object> body = ok();
        body.put("webhook_id", e.id());
        body.put("deliveries", rows);
        body.put("next_before", rows.size() == limit ? rows.get(rows.size() - 1).get("id") : null);
        exchange.getMessage().setBody(body);
    }

    public void retry(Exchange exchange) {
        WebhookEndpoint e = endpoint(exchange);
        String raw = exchange.getIn().getHeader("delivery_id", String.class);
        if (raw == null || !raw.matches("[0-9]{1,18}") || !outbox.retryNow(e.id(), Long.parseLong(raw))) {
            throw ApiException.notFound("No delivery " + ApiException.printable(raw) + " of webhook " + e.id());
        }
        Map<String, Object> body = ok();
        body.put("delivery_id", Long.parseLong(raw));
        body.put("status", WebhookOutbox.PENDING);
        body.put("next_attempt_at", Instant.ofEpochMilli(clock.millis()).toString());
        exchange.setProperty(ApiResponses.STATUS, 202);
        exchange.getMessage().setBody(body);
    }

    private WebhookEndpoint endpoint(Exchange exchange) {
        String id = exchange.getIn().getHeader("id", String.class);
        return endpoints.find(id).orElseThrow(() -> ApiException.notFound("No webhook " + ApiException.printable(id)));
    }

    /** Endpoints from application.yaml change with the file, not over the API. */
    private WebhookEndpoint changeable(Exchange exchange) {
        WebhookEndpoint e = endpoint(exchange);
        if (e.origin().equals(WebhookEndpoint.ORIGIN_CONFIG)) {
            throw ApiException.conflict("Webhook " + e.id() + " is defined in application.yaml; change it there");
        }
        return e;
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "ep_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, Object> ok() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        return body;
    }

}
