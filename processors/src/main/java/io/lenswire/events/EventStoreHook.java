package io.lenswire.events;

/**
 * Work that must commit or roll back together with a stored event (the webhook outbox rows), so
 * that no event is ever stored without its deliveries, nor a delivery queued for an event that was
 * not stored. Runs inside the event's database transaction, on the storing thread.
 */
public interface EventStoreHook {

    /** @param onlyEndpoint the one endpoint a test event is for, or null */
    void inTransaction(StoredEvent event, String onlyEndpoint);
}
