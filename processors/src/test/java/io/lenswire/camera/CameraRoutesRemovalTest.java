package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.GopCacheRegistry;
import io.lenswire.ingest.JavacvComponent;
import io.lenswire.ingest.SourceInterrupts;

/** Removing a camera frees exactly its own endpoints, never another camera's or a fixed route's. */
class CameraRoutesRemovalTest {

    private DefaultCamelContext camel;
    private CameraRoutes routes;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.addComponent("javacv", new JavacvComponent(null, null, (SourceInterrupts) null));
        camel.start();
        LenswireProperties properties = new LenswireProperties();
        routes = new CameraRoutes(camel, properties, new GopCacheRegistry(properties));
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private List<String> endpoints() {
        return camel.getEndpoints().stream().map(Endpoint::getEndpointBaseUri).distinct().sorted().toList();
    }

    @Test
    void removingCameraAKeepsCameraXAsQueues() throws Exception {
        for (String id : List.of("a", "x-a")) {
            camel.getEndpoint("javacv:" + id + "?connectTimeout=1000");
            camel.getEndpoint("seda:hls-" + id + "?size=16&discardWhenFull=true");
            camel.getEndpoint("seda:hls-" + id);
            camel.getEndpoint("seda:analytics-" + id + "?size=16&discardWhenFull=true");
        }
        routes.stop("a");
        assertThat(endpoints()).containsExactly("javacv://x-a", "seda://analytics-x-a", "seda://hls-x-a");
    }

    @Test
    void aCameraNamedEventsLeavesTheFixedEventQueueAlone() throws Exception {
        camel.getEndpoint("seda:face-events");
        camel.getEndpoint("seda:hls-events?size=16");
        routes.stop("events");
        assertThat(endpoints()).containsExactly("seda://face-events");
    }

    @Test
    void ownEndpointsAreMatchedExactly() {
        assertThat(CameraRoutes.isOwnEndpoint("seda://hls-a", "a")).isTrue();
        assertThat(CameraRoutes.isOwnEndpoint("seda:analytics-a", "a")).isTrue();
        assertThat(CameraRoutes.isOwnEndpoint("javacv://a", "a")).isTrue();
        assertThat(CameraRoutes.isOwnEndpoint("seda://hls-x-a", "a")).isFalse();
        assertThat(CameraRoutes.isOwnEndpoint("seda://face-events", "events")).isFalse();
        assertThat(CameraRoutes.isOwnEndpoint("javacv://ab", "a")).isFalse();
    }
}
