package io.lenswire.ingest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;


/** Registers the {@code javacv:} component with the camera directory and status registry it needs. */
@Configuration
public class IngestConfiguration {

    @Bean("javacv")
    public JavacvComponent javacvComponent(CameraSourceResolver resolver, CameraStatusRegistry statuses, IngestLimits limits) {
        return new JavacvComponent(resolver, statuses, limits);
    }
}
