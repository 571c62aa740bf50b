package io.lenswire.api;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Spring's default multipart resolver parses an upload before any handler runs and turns the
 * request into a {@link MultipartHttpServletRequest}; Camel's platform-http binding then copies
 * each file of such a request into the servlet temp dir under a random name and never deletes the
 * copy. Uploads are parsed by {@link RequestGuardFilter} instead (after the key check) and read by
 * the faces API from the container's parts, which are deleted at the end of the request; this
 * resolver, in place of Spring Boot's, declines every request. The container's multipart limits
 * (spring.servlet.multipart.*) still apply: Spring Boot registers them on the servlet regardless.
 */
@Configuration(proxyBeanMethods = false)
public class DeferredMultipartConfiguration {

    @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver() {
        return new MultipartResolver() {
            @Override
            public boolean isMultipart(HttpServletRequest request) {
                return false;
            }

            @Override
            public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request) throws MultipartException {
                throw new MultipartException("multipart requests are parsed by RequestGuardFilter");
            }

            @Override
            public void cleanupMultipart(MultipartHttpServletRequest request) {
                // never resolved, nothing to clean
            }
        };
    }
}
