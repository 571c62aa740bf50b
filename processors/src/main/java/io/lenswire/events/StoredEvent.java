package io.lenswire.events;

/**
 * An event as stored: its order in the store ({@code seq}, for paging and SSE resumption), public
 * id, filters, and {@code json}, the event as every reader sees it:
 * {@code {event_id, type, timestamp, data}} (webhook bodies are {@code {type, timestamp, data}}).
 */
public record StoredEvent(long seq, String eventId, String type, String cameraId, Long personId, long createdAt, String json) {
}
