package io.lenswire.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.Yaml;

import io.lenswire.ingest.BranchId;
import io.lenswire.ingest.CameraPipeline;

/**
 * Per-camera routes are named {@code <prefix><cameraId>}. Camel replaces a route when another one
 * with the same id is added, so a fixed route sharing such a prefix would be replaced by a camera
 * of the right name (a camera called "playlist" once took the HLS playlist endpoint down).
 */
class RouteIdsTest {

    private static final List<UnaryOperator<String>> PER_CAMERA = List.of(
            CameraPipeline::cameraRouteId, id -> BranchId.hls(id).routeId(), id -> BranchId.analytics(id).routeId());

    @Test
    void noFixedRouteCanBeTakenByACameraRoute() throws IOException {
        List<String> fixed = fixedRouteIds();
        assertThat(fixed).as("routes declared in routes/*.yaml").hasSizeGreaterThan(10);
        for (UnaryOperator<String> perCamera : PER_CAMERA) {
            String prefix = perCamera.apply("");
            assertThat(fixed).as("fixed routes vs per-camera prefix " + prefix)
                    .noneMatch(id -> id.startsWith(prefix));
        }
    }

    @Test
    void fixedRoutesHaveAFixedRoutePrefix() throws IOException {
        // API routes, the event routes, webhook delivery and the cluster's heartbeat: prefixes no camera route uses
        assertThat(fixedRouteIds()).allMatch(id -> id.startsWith("api-") || id.startsWith("events-") || id.startsWith("webhook-")
                || id.startsWith("cluster-"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> fixedRouteIds() throws IOException {
        List<String> ids = new ArrayList<>();
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:routes/*.yaml");
        assertThat(files).isNotEmpty();
        for (Resource file : files) {
            try (InputStream in = file.getInputStream()) {
                Object doc = new Yaml().load(in);
                for (Object entry : (List<Object>) doc) {
                    Object route = ((Map<String, Object>) entry).get("route");
                    if (route != null) {
                        ids.add((String) ((Map<String, Object>) route).get("id"));
                    }
                }
            }
        }
        return ids;
    }
}
