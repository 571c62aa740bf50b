package io.lenswire.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiResponses;
import io.lenswire.camera.CameraPlacement;
import io.lenswire.playback.HlsAccess;
import io.lenswire.playback.Session;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Any node serves any viewer: an HLS request whose session's camera another node reads is passed
 * to that node as it came (path, query with its token, {@code Authorization}) and its answer
 * passed back. The owner checks the token again and serves from its one segmenter, so a camera
 * still has one segmenter (and one RTSP connection) however many nodes its viewers use.
 *
 * <p>Why a proxy and not a redirect: the player's page came from this node, and a redirect to
 * another origin would need CORS on every node for every player; a proxy keeps each viewer on the
 * one address it knows, also across a failover. The cost is a hop inside the cluster.
 *
 * <p>Only requests whose token and session check here are passed on; everything else (bad
 * tokens, a camera that runs here or nowhere yet) goes down this node's own chain, which answers
 * as a single node would. A request already passed on by another node is never passed again, so
 * two nodes that briefly disagree about the owner cannot bounce a request between them. The wait
 * for the owner's answer holds no thread (servlet async + the HTTP client's async send).
 */
public class HlsOwnerProxy extends OncePerRequestFilter implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(HlsOwnerProxy.class);
    static final String FORWARDED_BY = "X-Lenswire-Forwarded-By";
    private static final Pattern PATH = Pattern.compile("/api/stream/hls/([^/]+)/[^/]+");
    private static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Cache-Control", "Retry-After");
    /** Longer than the longest wait the owner holds a request (a first playlist: first-playlist-wait). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HlsAccess access;
    private final CameraPlacement placement;
    private final String nodeId;
    private final ThreadPoolExecutor callbacks;
    private final HttpClient client;

    public HlsOwnerProxy(HlsAccess access, CameraPlacement placement, String nodeId) {
        this.access = access;
        this.placement = placement;
        this.nodeId = nodeId;
        this.callbacks = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "hls-owner-proxy");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(callbacks)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !("GET".equals(method) || "HEAD".equals(method)) || request.getHeader(FORWARDED_BY) != null
                || !PATH.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher path = PATH.matcher(request.getRequestURI());
        Optional<CameraPlacement.Owner> owner = path.matches()
                ? access.peek(path.group(1), request.getHeader("Authorization"), request.getQueryString())
                        .map(Session::cameraId).flatMap(placement::elsewhere)
                : Optional.empty();
        if (owner.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String query = request.getQueryString();
        URI target = URI.create(owner.get().baseUrl() + request.getRequestURI() + (query == null ? "" : "?" + query));
        HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(ANSWER_TIMEOUT)
                .method(request.getMethod(), HttpRequest.BodyPublishers.noBody())
                .header(FORWARDED_BY, nodeId);
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            forward.header("Authorization", authorization);
        }
        boolean head = "HEAD".equals(request.getMethod());
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(ANSWER_TIMEOUT.plusSeconds(5).toMillis());
        client.sendAsync(forward.build(), HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((answer, failure) -> {
                    try {
                        if (failure != null) {
                            LOG.debug("HLS request for a camera on {} failed: {}", owner.get().nodeId(), failure.toString());
                            unavailable((HttpServletResponse) async.getResponse());
                        } else {
                            copy(answer, (HttpServletResponse) async.getResponse(), head);
                        }
                        async.complete();
                    } catch (IOException e) {
                        // the viewer went away: Tomcat ends the request itself after a failed write
                        // (onError), as for an event stream (SseResponse)
                        LOG.debug("HLS answer from {} not passed on: {}", owner.get().nodeId(), e.toString());
                    } catch (RuntimeException e) {
                        LOG.debug("HLS answer from {} not passed on: {}", owner.get().nodeId(), e.toString());
                        completeUnlessEnded(async);
                    }
                });
    }

    /** Completes a request the container may already have ended (its timeout). */
    private static void completeUnlessEnded(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException ended) {
            // already completed by the container
        }
    }

    private static void copy(HttpResponse<byte[]> answer, HttpServletResponse out, boolean head) throws IOException {
        out.setStatus(answer.statusCode());
        for (String name : ANSWER_HEADERS) {
            answer.headers().firstValue(name).ifPresent(value -> out.setHeader(name, value));
        }
        byte[] body = answer.body();
        if (head) {
            answer.headers().firstValueAsLong("Content-Length").ifPresent(out::setContentLengthLong);
            return;
        }
        out.setContentLength(body.length);
        out.getOutputStream().write(body);
    }

    /** The owner died or is unreachable: the camera moves to another node within seconds. */
    private static void unavailable(HttpServletResponse out) throws IOException {
        byte[] body = JSON.writeValueAsBytes(ApiResponses.errorBody("camera_moving",
                "The node that reads this camera cannot be reached; the camera moves to another node within seconds. Retry."));
        out.setStatus(503);
        out.setHeader("Retry-After", "1");
        out.setHeader("Cache-Control", "no-store");
        out.setContentType("application/json");
        out.setCharacterEncoding(StandardCharsets.UTF_8.name());
        out.setContentLength(body.length);
        out.getOutputStream().write(body);
    }

    @Override
    public void destroy() {
        callbacks.shutdownNow();
    }
}
