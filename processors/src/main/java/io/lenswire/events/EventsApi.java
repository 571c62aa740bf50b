package io.lenswire.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiException;
import io.lenswire.api.QueryParams;

/** The events API (routes/api-events.yaml): list with filters and cursor paging, one event, its snapshots. */
@Component("eventsApi")
public class EventsApi {

    public static final int MAX_LIMIT = 500;
    static final int DEFAULT_LIMIT = 50;
    /** Event ids as the store makes them; anything else is unknown without a lookup. */
    static final String EVENT_ID = "evt_[A-Za-z0-9_-]{22}";

    private final EventStore store;
    private final ObjectMapper json;

    public EventsApi(EventStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    public void list(Exchange exchange) throws JsonProcessingException {
        String type = QueryParams.single(exchange, "type");
        if (type != null && EventType.fromWireName(type).isEmpty()) {
            throw ApiException.badRequest("Unknown event type '" + type + "'; known: " + String.join(", ", EventType.wireNames()));
        }
        String cursor = QueryParams.single(exchange, "cursor");
        Long before = cursor == null ? null : EventCursor.decode(cursor)
                .orElseThrow(() -> ApiException.badRequest("'cursor' is not a cursor from this API: pass next_cursor as it was given"));
        Instant since = QueryParams.optionalInstant(exchange, "since");
        Instant until = QueryParams.optionalInstant(exchange, "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.badRequest("'since' must be before 'until'");
        }
        EventStore.Query query = new EventStore.Query(QueryParams.single(exchange, "camera_id"), type,
                QueryParams.optionalLong(exchange, "person_id"), since, until, before,
                QueryParams.intInRange(exchange, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
        EventStore.Page page = store.list(query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("events", toJson(page.events()));
        body.put("next_cursor", page.nextCursor());
        exchange.getMessage().setBody(body);
    }

    public void get(Exchange exchange) throws JsonProcessingException {
        StoredEvent event = find(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("event", json.readTree(event.json()));
        exchange.getMessage().setBody(body);
    }

    /** The face (default) or frame snapshot as image/jpeg. */
    public void snapshot(Exchange exchange) {
        String kind = QueryParams.single(exchange, "kind");
        if (kind == null) {
            kind = EventStore.KIND_FACE;
        }
        if (!kind.equals(EventStore.KIND_FACE) && !kind.equals(EventStore.KIND_FRAME)) {
            throw ApiException.badRequest("'kind' must be face or frame");
        }
        String eventId = eventId(exchange);
        String k = kind;
        byte[] jpeg = store.snapshot(eventId, kind).orElseThrow(() -> store.find(eventId).isPresent()
                ? ApiException.notFound("Event " + eventId + " has no " + k + " snapshot")
                : ApiException.notFound("No event " + eventId));
        exchange.getMessage().setHeaders(new LinkedHashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "image/jpeg");
        exchange.getMessage().setHeader("Cache-Control", "private, max-age=86400");
        exchange.getMessage().setBody(jpeg);
    }

    private StoredEvent find(Exchange exchange) {
        String eventId = eventId(exchange);
        return store.find(eventId).orElseThrow(() -> ApiException.notFound("No event " + eventId));
    }

    private static String eventId(Exchange exchange) {
        String eventId = exchange.getIn().getHeader("event_id", String.class);
        if (eventId == null || !eventId.matches(EVENT_ID)) {
            throw ApiException.notFound("No event " + (eventId == null ? "" : eventId.substring(0, Math.min(eventId.length(), 64))));
        }
        return eventId;
    }

    private List<JsonNode> toJson(List<StoredEvent> events) throws JsonProcessingException {
        List<JsonNode> out = new java.util.ArrayList<>(events.size());
        for (StoredEvent e : events) {
            out.add(json.readTree(e.json()));
        }
        return out;
    }
}
