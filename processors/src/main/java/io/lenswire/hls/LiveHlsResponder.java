package io.lenswire.hls;

import java.io.IOException;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.ServerHttpObservationFilter;

import io.lenswire.camera.CameraService;
import io.lenswire.playback.HlsAccess;
import io.lenswire.playback.Session;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers the LL-HLS requests that can be answered now (a playlist whose blocking reload is
 * satisfied, an init section, part or segment that exists) straight from the servlet filter,
 * without the {@code api-hls-*} route; anything else (HEAD, a refusal, a 503 for something still
 * missing) is left to the route, which remains the only place that refuses.
 *
 * <p>Why: these are nearly all of a low-latency viewer's requests (five parts and five blocking
 * reloads a second each), and a JFR profile of 500 viewers put almost all of their CPU in the
 * layers in front of the media (Spring MVC, platform-http, the hop to the task executor, the
 * route; docs/benchmarks.md, stop 21). Answering them here costs a third of that.
 *
 * <p>The checks are the route's, in the same order: the credentials were checked once by
 * {@link HlsAccess#peek} (the caller's job), the session's camera still exists, and the request
 * is recorded on the session (a session that ended meanwhile goes to the route for its 404).
 * The HTTP server timer keeps its route label, so metrics do not change with the path taken.
 */
@Component
public class LiveHlsResponder {

    static final String PLAYLIST_PATTERN = "/api/stream/hls/{session_id}/playlist.m3u8";
    static final String FILE_PATTERN = "/api/stream/hls/{session_id}/{segment}";
    static final String PLAYLIST = "playlist.m3u8";

    private final HlsMuxers muxers;
    private final CameraService cameras;
    private final HlsAccess access;

    public LiveHlsResponder(HlsMuxers muxers, CameraService cameras, HlsAccess access) {
        this.muxers = muxers;
        this.cameras = cameras;
        this.access = access;
    }

    /**
     * Writes the answer and returns true when there is one now; false (nothing written) when the
     * route must answer.
     *
     * @param name    the last path segment: {@code playlist.m3u8} or a file name
     * @param session the session the request's credentials are good for
     */
    public boolean answer(HttpServletRequest request, HttpServletResponse response, String name, Session session)
            throws IOException {
        String cameraId = session.cameraId();
        Optional<LiveWindow> window = muxers.window(cameraId);
        if (window.isEmpty() || cameras.find(cameraId).isEmpty()) {
            return false;
        }
        boolean playlist = name.equals(PLAYLIST);
        Optional<LiveAnswer> answer = playlist ? playlist(request, window.get()) : LiveAnswer.file(window.get(), name);
        if (answer.isEmpty()) {
            return false;
        }
        try (LiveAnswer a = answer.get()) {
            if (access.record(session).isEmpty()) {
                return false;
            }
            if (!playlist) {
                muxers.touch(cameraId);
            }
            ServerHttpObservationFilter.findObservationContext(request)
                    .ifPresent(context -> context.setPathPattern(playlist ? PLAYLIST_PATTERN : FILE_PATTERN));
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(a.contentType());
            response.setHeader("Cache-Control", a.cacheControl());
            response.setContentLength(a.length());
            // blocking writes: each returns once Tomcat has taken the bytes, so the loan may end after the loop
            ServletOutputStream out = response.getOutputStream();
            for (Chunk chunk : a.chunks()) {
                out.write(chunk.array(), 0, chunk.length());
            }
            return true;
        }
    }

    /** The playlist, when its blocking reload parameters are well-formed and satisfied now. */
    private static Optional<LiveAnswer> playlist(HttpServletRequest request, LiveWindow window) {
        String[] msns = request.getParameterValues(HlsEndpoints.MSN_PARAMETER);
        String[] parts = request.getParameterValues(HlsEndpoints.PART_PARAMETER);
        String[] skips = request.getParameterValues(HlsEndpoints.SKIP_PARAMETER);
        if ((msns != null && msns.length > 1) || (parts != null && parts.length > 1) || (skips != null && skips.length > 1)) {
            return Optional.empty();
        }
        long msn;
        long part;
        boolean delta;
        try {
            msn = LiveAnswer.number(msns == null ? null : msns[0]);
            part = LiveAnswer.number(parts == null ? null : parts[0]);
            delta = LiveAnswer.skip(skips == null ? null : skips[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if ((part != LiveAnswer.NONE && msn == LiveAnswer.NONE) || part > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return LiveAnswer.playlist(window, msn, part, delta, HlsAccess.queryToken(request.getQueryString()));
    }
}
