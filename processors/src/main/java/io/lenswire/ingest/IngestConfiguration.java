package io.lenswire.ingest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;


/** Registers the {@code javacv:} component with the camera directory, status registry and interrupt callback it needs. */
@Configuration
public class IngestConfiguration {

    @Bean("javacv")
    public JavacvComponent javacvComponent(CameraSourceResolver resolver, CameraStatusRegistry statuses, IngestLimits limits,
                                           SourceInterrupts interrupts, MeterRegistry meters) {
        JavacvComponent component = new JavacvComponent(resolver, statuses, limits, interrupts);
        component.recordHandoffDelayIn(Timer.builder("lenswire.ingest.handoff.delay")
                .description("How long the oldest packet of a batch waited in ingest before its camera route got it (the batch window's added latency)")
                .register(meters));
        return component;
    }

    /** The one native interrupt callback of all sources; closed (freed once unused) at shutdown. */
    @Bean
    public SourceInterrupts sourceInterrupts() {
        return new SourceInterrupts();
    }
}
