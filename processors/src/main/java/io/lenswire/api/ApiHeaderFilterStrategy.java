package io.lenswire.api;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * Camel's HTTP header filter, except that {@code Cache-Control} set by a route reaches the client:
 * playlists must not be cached, segments may be, API answers must not be stored.
 */
@Component("apiHeaders")
public class ApiHeaderFilterStrategy extends HttpHeaderFilterStrategy {

    @Override
    protected void initialize() {
        super.initialize();
        getOutFilter().remove("cache-control");
    }
}
