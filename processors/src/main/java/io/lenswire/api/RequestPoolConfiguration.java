package io.lenswire.api;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replaces Spring Boot's application task executor (which Camel's {@code platform-http} runs every
 * request on) by a {@link RequestPool}; sizes still come from {@code spring.task.execution.pool}.
 */
@Configuration(proxyBeanMethods = false)
public class RequestPoolConfiguration {

    @Bean(name = {"applicationTaskExecutor", "taskExecutor"})
    public RequestPool applicationTaskExecutor(ThreadPoolTaskExecutorBuilder builder) {
        return builder.configure(new RequestPool());
    }
}
