package io.lenswire;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Lenswire: RTSP cameras in, face analytics, webhooks and on-demand HLS out, on Apache Camel. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LenswireApplication {
    public static void main(String[] args) {
        SpringApplication.run(LenswireApplication.class, args);
    }
}
