package io.lenswire.events;

/**
 * Told of every event once it is committed, in store order (the order of {@code seq}), on the
 * storing thread: must not block.
 */
public interface EventListener {

    void committed(StoredEvent event);
}
