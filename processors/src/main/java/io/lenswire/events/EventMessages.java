package io.lenswire.events;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Shapes a stored event as the message users' routes receive on {@code seda:events}: the body is
 * the event JSON ({@code {event_id, type, timestamp, data}}), and the headers below carry what
 * routes filter on, so a route needs no JSON parsing to pick events.
 */
@Component("eventMessages")
public class EventMessages {

    public static final String TYPE = "LenswireEventType";
    public static final String EVENT_ID = "LenswireEventId";
    public static final String CAMERA_ID = "LenswireCameraId";
    public static final String PERSON_ID = "LenswirePersonId";

    /** Route step: body {@link StoredEvent} → JSON text with headers. */
    public void toMessage(Exchange exchange) {
        StoredEvent e = exchange.getMessage().getBody(StoredEvent.class);
        Message m = exchange.getMessage();
        // never pass on what came with the exchange (an API request's headers hold its API key)
        m.getHeaders().clear();
        m.setBody(e.json());
        m.setHeader(TYPE, e.type());
        m.setHeader(EVENT_ID, e.eventId());
        m.setHeader(CAMERA_ID, e.cameraId());
        m.setHeader(PERSON_ID, e.personId());
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
