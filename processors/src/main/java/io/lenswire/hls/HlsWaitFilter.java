package io.lenswire.hls;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.lenswire.ingest.CameraState;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.playback.HlsAccess;
import io.lenswire.playback.Session;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Holds an LL-HLS request that asks for something not there yet (a blocking playlist reload
 * {@code ?_HLS_msn=M&_HLS_part=N}, a preload-hinted part, a first playlist while the first part is
 * being cut) until it is, without a thread: the request is put in asynchronous mode and
 * dispatched again when the camera's {@link LiveWindow} has it (or the wait times out).
 *
 * <p>A request whose answer is there (at once, or when a held one comes back) is answered by
 * {@link LiveHlsResponder} without the route; everything else goes on to the {@code api-hls-*}
 * route, which answers it (and is the only place that refuses).
 *
 * <p>Why here and not in the route: platform-http on Spring Boot runs each exchange to the end on
 * a pool thread, so a route that waited would hold one thread per waiting viewer (500 viewers of
 * one camera = 500 threads). Parked requests hold only the connection and a future.
 *
 * <p>Only requests whose credentials are good for their session are held (the route then gives
 * the exact refusal for the others, at once); each camera's window bounds its waiters.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class HlsWaitFilter extends OncePerRequestFilter {

    private static final String PREFIX = "/api/stream/hls/";
    private static final Pattern PATH = Pattern.compile("/api/stream/hls/([^/]+)/(playlist\\.m3u8|[^/]+\\.m4s|init_[0-9]+\\.mp4)");

    /** Request attribute: the session of a held request, whose credentials were checked when it came. */
    private static final String HELD_SESSION = HlsWaitFilter.class.getName() + ".session";

    private final HlsAccess access;
    private final HlsMuxers muxers;
    private final HlsProperties settings;
    private final CameraStatusRegistry statuses;
    private final LiveHlsResponder responder;
    /** How long a blocking reload or a preload-hinted part is held. */
    private final Duration reloadWait;

    public HlsWaitFilter(HlsAccess access, HlsMuxers muxers, HlsProperties settings, CameraStatusRegistry statuses,
                         LiveHlsResponder responder) {
        this.access = access;
        this.muxers = muxers;
        this.settings = settings;
        this.statuses = statuses;
        this.responder = responder;
        // RFC 8216bis: 3 target durations (computed once: Duration.multipliedBy goes through BigDecimal)
        this.reloadWait = settings.getSegmentDuration().multipliedBy(3);
    }

    /** What a request waits for: part {@code part} of segment {@code msn} (-1: the whole segment). */
    record Wanted(long msn, int part, Duration timeout) {
    }

    /** A held request comes back through here when its part is there (or the wait ended). */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // a prefix only: doFilterInternal matches the whole path once (a regular expression per
        // request was visible in the 500-viewer profile)
        return !"GET".equals(request.getMethod()) || !request.getRequestURI().startsWith(PREFIX);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher path = PATH.matcher(request.getRequestURI());
        if (!path.matches()) {
            chain.doFilter(request, response);
            return;
        }
        if (isAsyncDispatch(request)) {
            // a held request: its credentials were checked when it came; the route refuses it if
            // the session ended or the part still is not there
            Session held = (Session) request.getAttribute(HELD_SESSION);
            if (held == null || !responder.answer(request, response, path.group(2), held)) {
                chain.doFilter(request, response);
            }
            return;
        }
        Optional<Session> session = access.peek(path.group(1), request.getHeader("Authorization"), request.getQueryString());
        if (session.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String cameraId = session.get().cameraId();
        boolean playlist = path.group(2).equals(LiveHlsResponder.PLAYLIST);
        if (playlist) {
            muxers.ensureRunning(cameraId); // the first playlist starts the camera's segmenter
        }
        Optional<LiveWindow> window = muxers.window(cameraId);
        Wanted wanted = window.isEmpty() ? null : wanted(request, path.group(2), cameraId);
        if (wanted == null || window.get().classify(wanted.msn(), wanted.part()) != LiveWindow.Request.PENDING) {
            if (!responder.answer(request, response, path.group(2), session.get())) {
                chain.doFilter(request, response);
            }
            return;
        }
        request.setAttribute(HELD_SESSION, session.get());
        // with this filter's request and response: the dispatch then hands the route the request
        // as the filters before this one prepared it (RequestGuardFilter buffered its body)
        AsyncContext parked = request.startAsync(request, response);
        // the window's own timeout answers first; this only guards against a future never completing
        parked.setTimeout(wanted.timeout().plusSeconds(5).toMillis());
        window.get().whenAvailable(wanted.msn(), wanted.part(), wanted.timeout())
                .whenComplete((ready, failure) -> parked.dispatch());
    }

    /** What the request is for, or null when it asks for nothing worth waiting for (the route answers it). */
    private Wanted wanted(HttpServletRequest request, String name, String cameraId) {
        Duration reload = reloadWait;
        if (!name.equals(LiveHlsResponder.PLAYLIST)) {
            return SegmentNames.part(name).map(p -> new Wanted(p.msn(), p.index(), reload)).orElse(null);
        }
        String msn = request.getParameter(HlsEndpoints.MSN_PARAMETER);
        if (msn == null) {
            // a first playlist waits for the first complete segment, which standard (non-LL)
            // players need; started from the cached GOPs it is there at once. Worth waiting for
            // only while video flows (a camera that is down would keep every waiting viewer until
            // the timeout for nothing).
            boolean streaming = statuses.find(cameraId).map(s -> s.state() == CameraState.STREAMING).orElse(false);
            return streaming ? new Wanted(0, -1, settings.getFirstPlaylistWait()) : null;
        }
        try {
            // the same strict parse as the route's: what it refuses is not held first
            long m = LiveAnswer.number(msn);
            long p = LiveAnswer.number(request.getParameter(HlsEndpoints.PART_PARAMETER));
            return p > Integer.MAX_VALUE ? null : new Wanted(m, (int) p, reload);
        } catch (IllegalArgumentException e) {
            return null; // the route answers 400
        }
    }
}
