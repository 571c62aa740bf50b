package io.lenswire.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Everything of one camera's data path, owned in one place: the camera route (from the
 * {@code camera} template in routes/cameras.yaml: {@code javacv:} consumer → GOP cache → one gate
 * and queue per branch), its GOP cache, the gates, and the branch routes with their
 * {@link Branch}es. It names every queue and route through {@link BranchId} and hands the names to
 * the templates, and checks at start that the routes really use them, so that a queue renamed in
 * one place fails loudly instead of dropping packets.
 */
public final class CameraPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(CameraPipeline.class);
    static final String CAMERA_TEMPLATE = "camera";
    /** The branches every camera route feeds, in the order of routes/cameras.yaml. */
    static final List<String> BRANCHES = List.of(BranchId.HLS, BranchId.ANALYTICS);

    private final String cameraId;
    private final CamelContext camel;
    private final SedaComponent seda;
    private final MeterRegistry meters;
    private final GopCache gopCache;
    private final int queueSize;
    private final Map<BranchId, BranchGate> gates = new ConcurrentHashMap<>();
    private final Map<BranchId, BranchRunner> runners = new ConcurrentHashMap<>();
    private final Map<BranchId, Counter> dropCounters = new ConcurrentHashMap<>();

    /**
     * Shared by every pipeline of a Camel context: Camel's route model (adding a route from a
     * template, removing a route) and its bean registry are not safe for concurrent changes; two muxers starting at once
     * failed with a ConcurrentModificationException in {@code RouteDefinitionHelper.validateUniqueIds}.
     * Route stops, which can wait, are not under it.
     */
    private final Object routeModelLock;

    CameraPipeline(String cameraId, CamelContext camel, MeterRegistry meters, GopCache gopCache, int queueSize,
                   Object routeModelLock) {
        this.routeModelLock = routeModelLock;
        this.cameraId = cameraId;
        this.camel = camel;
        this.seda = camel.getComponent("seda", SedaComponent.class);
        this.meters = meters;
        this.gopCache = gopCache;
        this.queueSize = queueSize;
    }

    public static String cameraRouteId(String cameraId) {
        return "camera-" + cameraId;
    }

    public String cameraId() {
        return cameraId;
    }

    /**
     * Adds and starts the camera route with the given template parameters (timeouts, batch window,
     * source flags) and attaches a gate to each branch queue the route created.
     */
    synchronized void start(Map<String, Object> parameters, CameraStatus status) {
        TemplatedRouteBuilder route = TemplatedRouteBuilder.builder(camel, CAMERA_TEMPLATE)
                .routeId(cameraRouteId(cameraId))
                .parameter("cameraId", cameraId)
                .parameter("branchQueueSize", queueSize)
                .parameter("gopCache", bind(cameraRouteId(cameraId) + "-gop-cache", gopCache));
        parameters.forEach(route::parameter);
        for (String branch : BRANCHES) {
            BranchId id = new BranchId(branch, cameraId);
            Counter drops = Counter.builder("lenswire.branch.dropped.packets")
                    .description("Packets dropped because a branch queue was full").tags(id.tags()).register(meters);
            dropCounters.put(id, drops);
            BranchGate gate = new BranchGate(id, status, drops);
            gates.put(id, gate);
            route.parameter(branch + "Queue", id.queueUri()).parameter(branch + "Gate", bind(id.gateBean(), gate));
        }
        synchronized (routeModelLock) {
            route.add();
        }
        try {
            // the queues exist once the route has started; a gate admits nothing before it has one
            gates.forEach((id, gate) -> gate.attach(queue(id, "the camera route")));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * The queue the camera route created for this branch; an error when there is none: the camera
     * template sends to a queue name that is not this branch's.
     */
    private BlockingQueue<Exchange> queue(BranchId id, String who) {
        QueueReference reference = seda.getQueueReference(id.queueKey());
        if (reference == null) {
            throw new IllegalStateException("camera " + cameraId + ": " + who + " does not use the queue " + id.queueUri()
                    + " of branch " + id.branch() + " (a queue renamed in a route template but not in BranchId?)");
        }
        return reference.getQueue();
    }

    /**
     * Starts a branch: adds its route (template {@link BranchId#templateId()}, consuming
     * {@link BranchId#queueUri()}), checks that the route consumes exactly that queue, and opens
     * the gate. The branch's first batch comes with the GOP cache's packets before it.
     */
    public synchronized void openBranch(BranchId id, Branch branch) {
        BranchGate gate = gates.get(id);
        if (gate == null) {
            throw new IllegalArgumentException("camera " + cameraId + " has no branch " + id.branch());
        }
        if (runners.containsKey(id)) {
            throw new IllegalStateException("branch " + id + " is open already");
        }
        BlockingQueue<Exchange> queue = queue(id, "the camera route");
        drain(queue); // batches left behind by an earlier run of the branch are old
        BranchRunner runner = new BranchRunner(id, branch, gopCache::snapshot);
        TemplatedRouteBuilder branchRoute = TemplatedRouteBuilder.builder(camel, id.templateId())
                .routeId(id.routeId())
                .parameter("queue", id.queueUri())
                .parameter("branchQueueSize", queueSize)
                .parameter("branch", bind(id.runnerBean(), runner));
        synchronized (routeModelLock) {
            branchRoute.add();
        }
        Route route = camel.getRoute(id.routeId());
        String consumed = route == null ? null : route.getEndpoint().getEndpointBaseUri();
        if (!id.endpointBaseUri().equals(consumed)) {
            stopRoute(id, Duration.ofSeconds(1));
            runner.close();
            unbind(id.runnerBean());
            throw new IllegalStateException("camera " + cameraId + ": the " + id.templateId() + " route consumes " + consumed
                    + ", not the branch's queue " + id.queueUri());
        }
        runners.put(id, runner);
        gate.open();
    }

    /**
     * Registers one of this pipeline's beans for its routes under a name only this pipeline uses
     * (route templates get the name as a parameter); unbound when the pipeline stops.
     */
    private String bind(String name, Object bean) {
        synchronized (routeModelLock) { // the registry is read while routes are created
            camel.getRegistry().bind(name, bean);
        }
        boundBeans.add(name);
        return name;
    }

    private final java.util.Set<String> boundBeans = ConcurrentHashMap.newKeySet();

    public boolean isOpen(BranchId id) {
        return runners.containsKey(id);
    }

    /**
     * Stops a branch: the gate closes (ingest offers nothing more), what is queued is dropped and a
     * close marker queued instead, so the branch closes on its own thread as soon as it has finished
     * the batch in hand; then its route is removed. If the thread does not get there within
     * {@code timeout} (stuck in a native call), the route is stopped and the branch closed here once
     * that thread is gone.
     */
    public void closeBranch(BranchId id, Duration timeout) {
        BranchRunner runner;
        BranchGate gate = gates.get(id);
        synchronized (this) {
            runner = runners.remove(id);
            if (gate == null || runner == null) {
                return;
            }
            gate.close();
        }
        BlockingQueue<Exchange> queue = gate.queue();
        if (queue != null) {
            drain(queue);
            Exchange marker = new DefaultExchange(camel);
            marker.getIn().setBody(BranchRunner.CLOSE);
            queue.offer(marker);
        }
        // once Camel is stopping (a shutdown) no consumer takes the marker any more: waiting for
        // one cost every watched camera the whole timeout (10 s each at shutdown)
        boolean consumersRun = camel.getStatus().isStarted();
        try {
            if (consumersRun && !runner.awaitClosed(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("branch {}: its thread did not close it within {} ms; stopping its route", id, timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopRoute(id, timeout);
        runner.close(); // no-op when the branch thread closed it; else that thread has stopped by now
        unbind(id.runnerBean());
    }

    private void unbind(String name) {
        if (boundBeans.remove(name)) {
            synchronized (routeModelLock) {
                camel.getRegistry().unbind(name);
            }
        }
    }

    private void stopRoute(BranchId id, Duration timeout) {
        try {
            if (camel.getRoute(id.routeId()) != null) {
                camel.getRouteController().stopRoute(id.routeId(), timeout.toMillis(), TimeUnit.MILLISECONDS);
                removeRoute(id.routeId());
            }
        } catch (Exception e) {
            LOG.warn("branch {}: could not stop its route: {}", id, e.getMessage());
        }
    }

    private void removeRoute(String routeId) throws Exception {
        synchronized (routeModelLock) {
            camel.removeRoute(routeId);
        }
    }

    private static void drain(BlockingQueue<Exchange> queue) {
        while (queue.poll() != null) {
            // poll (not clear) keeps a ByteBoundedQueue's byte count right
        }
    }

    /** Closes every branch, then stops the camera route and frees its endpoints (by exact URI) and GOP cache. */
    synchronized void stop() {
        for (BranchId id : List.copyOf(runners.keySet())) {
            closeBranch(id, Duration.ofSeconds(10));
        }
        gates.values().forEach(BranchGate::close);
        String routeId = cameraRouteId(cameraId);
        try {
            if (camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                removeRoute(routeId);
            }
        } catch (Exception e) {
            LOG.warn("camera {}: could not stop its route: {}", cameraId, e.getMessage());
        }
        for (Endpoint endpoint : List.copyOf(camel.getEndpoints())) {
            if (isOwnEndpoint(endpoint.getEndpointBaseUri())) {
                try {
                    camel.removeEndpoint(endpoint);
                } catch (Exception e) {
                    LOG.warn("camera {}: could not remove {}: {}", cameraId, endpoint.getEndpointBaseUri(), e.getMessage());
                }
            }
        }
        List.copyOf(boundBeans).forEach(this::unbind);
        dropCounters.values().forEach(meters::remove);
        dropCounters.clear();
        gopCache.clear();
    }

    /** True for this camera's javacv: endpoint and branch queues, whatever their parameters. */
    boolean isOwnEndpoint(String endpointBaseUri) {
        String uri = endpointBaseUri.replaceFirst("^([a-z]+):(//)?", "$1://");
        if (uri.equals("javacv://" + cameraId)) {
            return true;
        }
        for (String branch : BRANCHES) {
            if (uri.equals(new BranchId(branch, cameraId).endpointBaseUri())) {
                return true;
            }
        }
        return false;
    }

    List<EncodedPacket> gopSnapshot() {
        return gopCache.snapshot();
    }
}
