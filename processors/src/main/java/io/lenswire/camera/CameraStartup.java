package io.lenswire.camera;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/** Starts the configured and persisted cameras once Camel (and so the route template) is up. */
@Component
public class CameraStartup implements CamelContextConfiguration {

    private final CameraService cameras;

    public CameraStartup(CameraService cameras) {
        this.cameras = cameras;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // route templates are loaded from routes/*.yaml with the other routes
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        cameras.startConfigured();
    }
}
