package io.lenswire.ingest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;


/** Registers the {@code javacv:} component with the camera directory, status registry and interrupt callback it needs. */
@Configuration
public class IngestConfiguration {

    @Bean("javacv")
    public JavacvComponent javacvComponent(CameraSourceResolver resolver, CameraStatusRegistry statuses, IngestLimits limits,
                                           SourceInterrupts interrupts) {
        return new JavacvComponent(resolver, statuses, limits, interrupts);
    }

    /** The one native interrupt callback of all sources; closed (freed once unused) at shutdown. */
    @Bean
    public SourceInterrupts sourceInterrupts() {
        return new SourceInterrupts();
    }
}
