package io.lenswire.webhooks;

/**
 * One claimed delivery, ready to send: the message ({@code eventId} is the {@code webhook-id}, the
 * same on every attempt and for every endpoint) and where it goes.
 */
record Delivery(long id, String endpointId, String eventId, String eventType, int attempts, String payload) {
}
