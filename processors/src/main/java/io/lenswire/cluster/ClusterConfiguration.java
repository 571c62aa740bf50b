package io.lenswire.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.lenswire.camera.CameraRunner;
import io.lenswire.config.LenswireProperties;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.playback.HlsAccess;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A cluster node ({@code lenswire.cluster.enabled: true}): the Camel cluster service that decides
 * who reads each camera, the placement that uses it, and the node's name on every metric. Start-up
 * fails, saying what is missing, when the nodes could not agree: every node must open the same
 * stored camera URLs (one data key), verify each other's tokens (shared JWT secrets) and accept the
 * same API keys.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "lenswire.cluster", name = "enabled", havingValue = "true")
public class ClusterConfiguration {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,36}");

    @Bean
    CamelClusterService lenswireClusterService(CamelContext camel, ClusterProperties settings, LenswireProperties properties)
            throws Exception {
        check(settings, properties);
        CamelClusterService service = switch (settings.getBackend()) {
            case FILE -> fileLocks(settings);
            case ZOOKEEPER -> zooKeeper(settings);
        };
        camel.addService(service, true, true);
        return service;
    }

    static CamelClusterService fileLocks(ClusterProperties settings) {
        FileLockClusterService service = new FileLockClusterService();
        service.setId(settings.getNodeId());
        service.setRoot(Path.of(settings.getFileRoot()).toAbsolutePath().toString());
        service.setAcquireLockDelay(1, TimeUnit.MILLISECONDS);
        service.setAcquireLockInterval(settings.getLockInterval().toMillis(), TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier(settings.getLockStaleAfterIntervals());
        return service;
    }

    /** Each camera's namespace is a Curator leader election under the base path; a dead node's session expires. */
    private static CamelClusterService zooKeeper(ClusterProperties settings) {
        ZooKeeperClusterService service = new ZooKeeperClusterService();
        service.setId(settings.getNodeId());
        service.setNodes(settings.getZookeeperConnect());
        service.setBasePath(settings.getZookeeperBasePath());
        service.setSessionTimeout(settings.getZookeeperSessionTimeout().toMillis());
        service.setConnectTimeout(settings.getZookeeperSessionTimeout().toMillis());
        return service;
    }

    @Bean
    ClusterPlacement clusterPlacement(CamelClusterService service, CameraRunner runner, CameraStatusRegistry statuses,
                                      ClusterNodes nodes, CameraOwners owners, ClusterProperties settings) {
        return new ClusterPlacement(service, runner, statuses, nodes, owners, settings);
    }

    /** Before HlsWaitFilter (HIGHEST + 20), after the request guard and CORS. */
    @Bean
    FilterRegistrationBean<HlsOwnerProxy> hlsOwnerProxy(HlsAccess access, ClusterPlacement placement, ClusterProperties settings) {
        FilterRegistrationBean<HlsOwnerProxy> registration =
                new FilterRegistrationBean<>(new HlsOwnerProxy(access, placement, settings.getNodeId()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean
    MeterRegistryCustomizer<MeterRegistry> nodeTag(ClusterProperties settings) {
        return registry -> registry.config().commonTags("node", settings.getNodeId());
    }

    static void check(ClusterProperties settings, LenswireProperties properties) {
        List<String> problems = new ArrayList<>();
        if (!NODE_ID.matcher(settings.getNodeId()).matches()) {
            problems.add("lenswire.cluster.node-id must be 1-36 letters, digits, '-' or '_'");
        }
        String url = settings.getAdvertisedUrl();
        if (!url.startsWith("http://") && !url.startsWith("https://") || URI.create(url).getHost() == null) {
            problems.add("lenswire.cluster.advertised-url must be this node's http(s) URL as the other nodes reach it");
        }
        if (settings.getBackend() == ClusterProperties.Backend.FILE && settings.getFileRoot().isBlank()) {
            problems.add("lenswire.cluster.file-root must name a directory all nodes can lock files in");
        }
        if (settings.getBackend() == ClusterProperties.Backend.ZOOKEEPER && settings.getZookeeperConnect().isBlank()) {
            problems.add("lenswire.cluster.zookeeper-connect must name the ZooKeeper ensemble (host:port,...)");
        }
        if (settings.getBackend() == ClusterProperties.Backend.ZOOKEEPER && !settings.getZookeeperBasePath().startsWith("/")) {
            problems.add("lenswire.cluster.zookeeper-base-path must start with /");
        }
        if (properties.getSecurity().getDataKey().isBlank()) {
            problems.add("lenswire.security.data-key must be set, the same on every node (each node would otherwise make its own)");
        }
        if (properties.getSecurity().getApiKeys().isEmpty()) {
            problems.add("lenswire.security.api-keys must be set, the same on every node");
        }
        if (properties.getPlayback().getJwtSecrets().isEmpty()) {
            problems.add("lenswire.playback.jwt-secrets must be set, the same on every node, so that any node verifies any token");
        }
        if (settings.getLockStaleAfterIntervals() < 2) {
            problems.add("lenswire.cluster.lock-stale-after-intervals must be at least 2");
        }
        if (settings.getNodeTimeout().compareTo(settings.getHeartbeatInterval().multipliedBy(2)) < 0) {
            problems.add("lenswire.cluster.node-timeout must be at least twice the heartbeat-interval");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cluster settings: " + String.join("; ", problems));
        }
    }
}
