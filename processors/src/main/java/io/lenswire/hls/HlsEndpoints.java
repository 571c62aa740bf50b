package io.lenswire.hls;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.camera.CameraService;
import io.lenswire.ingest.CameraState;
import io.lenswire.ingest.CameraStatusRegistry;
import io.lenswire.playback.HlsAccess;
import io.lenswire.playback.PlaybackSessionListener;
import io.lenswire.playback.Session;

/**
 * The HLS routes' answers, after {@code hlsAccess.authorize}: the camera's live playlist and its
 * segments. Starts the camera's muxer when a session starts playing (or on the first playlist
 * request), so the first viewer waits at most one short segment.
 */
@Component("hlsEndpoints")
public class HlsEndpoints implements PlaybackSessionListener {

    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final String SEGMENT_HEADER = "segment";

    private final HlsMuxers muxers;
    private final HlsFiles files;
    private final HlsAccess access;
    private final CameraService cameras;
    private final CameraStatusRegistry statuses;

    public HlsEndpoints(HlsMuxers muxers, HlsFiles files, HlsAccess access, CameraService cameras,
                        CameraStatusRegistry statuses) {
        this.statuses = statuses;
        this.muxers = muxers;
        this.files = files;
        this.access = access;
        this.cameras = cameras;
    }

    @Override
    public void sessionStarted(Session session) {
        if (cameras.find(session.cameraId()).isPresent()) {
            muxers.ensureRunning(session.cameraId());
        }
    }

    @Override
    public void sessionEnded(Session session) {
        // the idle sweep stops the muxer once no session of the camera is left
    }

    public void playlist(Exchange exchange) throws IOException {
        String cameraId = watchedCamera(exchange);
        muxers.ensureRunning(cameraId);
        // wait for a starting muxer's first segment only if video is flowing: requests that wait
        // hold a worker thread, and a camera that is down would hold them all
        boolean streaming = statuses.find(cameraId).map(s -> s.state() == CameraState.STREAMING).orElse(false);
        Optional<String> playlist = files.playlist(cameraId, access.tokenQueryFor(exchange), streaming);
        if (playlist.isEmpty()) {
            if (muxers.failure(cameraId).isPresent()) {
                // the reason is in the camera status and health (for the operator), not here
                throw new ApiException(503, "unavailable", "Video from this camera cannot be stored for playback right now; try again shortly");
            }
            throw ApiException.notFound("No video from this camera yet; try again shortly");
        }
        respond(exchange, PLAYLIST_TYPE, "no-cache, no-store", playlist.get());
    }

    public void segment(Exchange exchange) throws IOException {
        String name = exchange.getIn().getHeader(SEGMENT_HEADER, String.class);
        if (!SegmentNames.isServable(name)) {
            throw ApiException.notFound("No such segment");
        }
        String cameraId = watchedCamera(exchange);
        muxers.touch(cameraId);
        byte[] bytes = files.segment(cameraId, name)
                .orElseThrow(() -> ApiException.notFound("No such segment (it may have left the live window)"));
        // segments never change once written; the playlist (no-store) decides what is current
        respond(exchange, name.endsWith(".mp4") ? "video/mp4" : "video/iso.segment", "private, max-age=60", bytes);
    }

    private String watchedCamera(Exchange exchange) {
        Session session = exchange.getProperty(HlsAccess.SESSION_PROPERTY, Session.class);
        if (session == null || cameras.find(session.cameraId()).isEmpty()) {
            throw ApiException.notFound("The session's camera no longer exists");
        }
        return session.cameraId();
    }

    /** Replaces every header: request headers (the token among them) must never echo back. */
    private static void respond(Exchange exchange, String contentType, String cacheControl, Object body) {
        exchange.getMessage().setHeaders(new LinkedHashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setHeader("Cache-Control", cacheControl);
        exchange.getMessage().setBody(body);
    }
}
