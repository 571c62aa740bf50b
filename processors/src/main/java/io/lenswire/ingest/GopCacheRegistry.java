package io.lenswire.ingest;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.camel.Body;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;

/** One {@link GopCache} per camera; the camera route calls {@link #remember} for every packet. */
@Component("gopCaches")
public class GopCacheRegistry {

    private final ConcurrentMap<String, GopCache> caches = new ConcurrentHashMap<>();
    private final int maxPackets;
    private final long maxBytes;

    public GopCacheRegistry(LenswireProperties properties) {
        this.maxPackets = properties.getIngest().getGopCacheMaxPackets();
        this.maxBytes = properties.getIngest().getGopCacheMaxBytes().toBytes();
    }

    public void remember(@Body EncodedPacket packet) {
        caches.computeIfAbsent(packet.cameraId(), id -> new GopCache(maxPackets, maxBytes)).add(packet);
    }

    public List<EncodedPacket> snapshot(String cameraId) {
        GopCache cache = caches.get(cameraId);
        return cache == null ? List.of() : cache.snapshot();
    }

    public void remove(String cameraId) {
        GopCache cache = caches.remove(cameraId);
        if (cache != null) {
            cache.clear();
        }
    }
}
