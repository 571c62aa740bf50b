package io.lenswire.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import io.lenswire.camera.Camera;
import io.lenswire.camera.CameraPlacement;
import io.lenswire.camera.CameraRunner;
import io.lenswire.ingest.CameraStatus;
import io.lenswire.ingest.CameraStatusRegistry;

/**
 * A camera runs on the one node that leads its namespace ({@code camera-<id>}) in Camel's cluster
 * service. Each heartbeat ({@link #heartbeat}, from the {@code cluster-heartbeat} route) the node
 * says it is alive, plans where every camera should run ({@link Assignment}) and joins the
 * namespaces of its share and leaves the others; leadership, not the plan, starts and stops a
 * camera here. When a node dies its locks go stale, the survivors' plans give its cameras to them,
 * and they take the locks over.
 *
 * <p>Thread-safety: joining, leaving, running and halting all happen on one worker thread (its
 * queue is bounded), so a camera's leadership changes and plan changes apply in order; the
 * heartbeat and the API threads only hand work to it.
 */
public class ClusterPlacement implements CameraPlacement, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPlacement.class);
    private static final String NAMESPACE_PREFIX = "camera-";
    private static final Duration DISPLACE_TIMEOUT = Duration.ofSeconds(30);
    /** How many beats a view this node left is watched for a lock it took while stopping. */
    private static final int LEFT_VIEW_WATCH_BEATS = 5;

    private final CamelClusterService service;
    private final CameraRunner runner;
    private final CameraStatusRegistry statuses;
    private final ClusterNodes nodes;
    private final CameraOwners owners;
    private final ClusterProperties settings;
    private final String nodeId;
    private final ThreadPoolExecutor worker;

    /** Cameras known here (every node knows every camera), by id. */
    private final Map<String, Camera> placed = new ConcurrentHashMap<>();
    /** Namespaces this node competes for (worker thread only). */
    private final Map<String, Membership> joined = new HashMap<>();
    /** Views this node left, watched for a lock taken while leaving (worker thread only). */
    private final LeftViews left = new LeftViews(LEFT_VIEW_WATCH_BEATS);
    /** The state last written for each camera this node runs (worker thread only). */
    private final Map<String, String> published = new HashMap<>();
    private volatile Map<String, ClusterNodes.Node> liveNodes = Map.of();
    private volatile Map<String, CameraOwners.Record> lastOwners = Map.of();

    private record Membership(CamelClusterView view, CamelClusterEventListener.Leadership listener) {
    }

    public ClusterPlacement(CamelClusterService service, CameraRunner runner, CameraStatusRegistry statuses,
                            ClusterNodes nodes, CameraOwners owners, ClusterProperties settings) {
        this.service = service;
        this.runner = runner;
        this.statuses = statuses;
        this.nodes = nodes;
        this.owners = owners;
        this.settings = settings;
        this.nodeId = settings.getNodeId();
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "cluster-cameras");
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void place(Camera camera) {
        placed.put(camera.id(), camera);
    }

    @Override
    public void displace(String cameraId) {
        placed.remove(cameraId);
        try {
            worker.submit(() -> leave(cameraId)).get(DISPLACE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("camera {}: leaving its cluster namespace failed: {}", cameraId, e.toString());
        }
    }

    @Override
    public Optional<Owner> elsewhere(String cameraId) {
        if (runner.runs(cameraId)) {
            return Optional.empty();
        }
        CameraOwners.Record record = lastOwners.get(cameraId);
        ClusterNodes.Node node = record == null ? null : liveNodes.get(record.nodeId());
        if (node == null || node.id().equals(nodeId)) {
            return Optional.empty();
        }
        return Optional.of(new Owner(node.id(), node.baseUrl(), record.state()));
    }

    @Override
    public Optional<String> nodeId() {
        return Optional.of(nodeId);
    }

    /** The nodes heard from at the last heartbeat. */
    @Override
    public List<String> liveNodes() {
        return liveNodes.keySet().stream().sorted().toList();
    }

    /** Route step, each heartbeat interval: say this node is alive, then plan and apply its share. */
    public void heartbeat() {
        nodes.heartbeat(nodeId, settings.getAdvertisedUrl());
        List<ClusterNodes.Node> live = nodes.live(settings.getNodeTimeout());
        liveNodes = live.stream().collect(Collectors.toUnmodifiableMap(ClusterNodes.Node::id, n -> n));
        Map<String, CameraOwners.Record> records = owners.all();
        lastOwners = Map.copyOf(records);
        Map<String, String> current = new HashMap<>();
        records.forEach((camera, record) -> current.put(camera, record.nodeId()));
        Set<String> liveIds = liveNodes.keySet().isEmpty() ? Set.of(nodeId) : liveNodes.keySet();
        Map<String, String> plan = Assignment.plan(placed.keySet(), liveIds, current);
        worker.execute(() -> apply(plan));
    }

    private void apply(Map<String, String> plan) {
        left.releaseLocksTaken();
        for (String cameraId : Set.copyOf(joined.keySet())) {
            if (!nodeId.equals(plan.get(cameraId)) || !placed.containsKey(cameraId)) {
                leave(cameraId);
            }
        }
        plan.forEach((cameraId, node) -> {
            if (nodeId.equals(node) && placed.containsKey(cameraId) && !joined.containsKey(cameraId)) {
                join(cameraId);
            }
        });
        // Leadership events alone are not enough: one that came before the lock view said it leads
        // (seen in ClusterIT: a node held a camera's lock for two minutes without running it), or a
        // camera that stopped here while this node still leads, would stay so until the next
        // event. Each beat settles every namespace joined, so either heals within one interval.
        for (String cameraId : Set.copyOf(joined.keySet())) {
            settle(cameraId);
        }
        for (String cameraId : Set.copyOf(published.keySet())) {
            String state = statuses.find(cameraId).map(CameraStatus::state).map(Enum::name).orElse(null);
            if (state != null && !state.equals(published.get(cameraId))) {
                owners.state(cameraId, nodeId, state);
                published.put(cameraId, state);
            }
        }
    }

    private void join(String cameraId) {
        try {
            CamelClusterView view = service.getView(NAMESPACE_PREFIX + cameraId);
            left.joined(view);
            CamelClusterEventListener.Leadership listener = (v, leader) -> leadershipChanged(cameraId, leader);
            view.addEventListener(listener);
            joined.put(cameraId, new Membership(view, listener));
            LOG.debug("camera {}: competing for its lock", cameraId); // apply() settles it next
        } catch (Exception e) {
            LOG.error("camera {}: cannot join its cluster namespace: {}", cameraId, e.toString());
        }
    }

    private void leave(String cameraId) {
        Membership membership = joined.remove(cameraId);
        if (membership != null) {
            membership.view().removeEventListener(membership.listener());
            try {
                service.releaseView(membership.view());
                left.left(membership.view());
            } catch (Exception e) {
                LOG.error("camera {}: cannot leave its cluster namespace: {}", cameraId, e.toString());
            }
        }
        settle(cameraId);
    }

    private void leadershipChanged(String cameraId, CamelClusterMember leader) {
        LOG.debug("camera {}: leader now {}", cameraId, leader == null ? "none" : leader.getId());
        worker.execute(() -> settle(cameraId));
    }

    /** Runs the camera here exactly when this node leads its namespace and still knows it. */
    private void settle(String cameraId) {
        Membership membership = joined.get(cameraId);
        boolean leads = membership != null && membership.view().getLocalMember().isLeader();
        Camera camera = placed.get(cameraId);
        if (leads && camera != null && !runner.runs(cameraId)) {
            LOG.info("camera {}: runs on this node ({}) now", cameraId, nodeId);
            runner.run(camera);
            String state = statuses.find(cameraId).map(CameraStatus::state).map(Enum::name).orElse("STARTING");
            owners.claim(cameraId, nodeId, state);
            published.put(cameraId, state);
        } else if (!leads && runner.runs(cameraId)) {
            LOG.info("camera {}: stops on this node ({})", cameraId, nodeId);
            runner.halt(cameraId);
            published.remove(cameraId);
            owners.release(cameraId, nodeId);
        }
    }

    /** A node that stops cleanly hands its cameras over at once and leaves the node list. */
    @Override
    public void destroy() throws Exception {
        try {
            worker.submit(() -> {
                for (String cameraId : Set.copyOf(joined.keySet())) {
                    leave(cameraId);
                }
                nodes.leave(nodeId);
            }).get(DISPLACE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            worker.shutdownNow();
        }
    }
}
