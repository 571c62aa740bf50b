package io.lenswire.hls;

import java.util.LinkedHashMap;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;
import io.lenswire.camera.CameraService;
import io.lenswire.playback.HlsAccess;
import io.lenswire.playback.PlaybackSessionListener;
import io.lenswire.playback.Session;

/**
 * The HLS routes' answers, after {@code hlsAccess.authorize}: the camera's live LL-HLS playlist
 * (blocking reloads included), its init sections, parts and segments, all from the camera's
 * {@link LiveWindow} in memory. Starts the camera's segmenter when a session starts playing (or
 * on the first playlist request).
 *
 * <p>Requests for something not there yet were held by {@link HlsWaitFilter} until it was; one
 * that still is not (the wait timed out, or the filter could not hold it) is answered 503, as
 * RFC 8216bis asks of a blocking reload that cannot be served in time.
 */
@Component("hlsEndpoints")
public class HlsEndpoints implements PlaybackSessionListener {

    private static final String SEGMENT_HEADER = "segment";
    static final String MSN_PARAMETER = "_HLS_msn";
    static final String PART_PARAMETER = "_HLS_part";
    static final String SKIP_PARAMETER = "_HLS_skip";

    private final HlsMuxers muxers;
    private final HlsAccess access;
    private final CameraService cameras;

    public HlsEndpoints(HlsMuxers muxers, HlsAccess access, CameraService cameras) {
        this.muxers = muxers;
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
        // the idle sweep stops the segmenter once no session of the camera is left
    }

    public void playlist(Exchange exchange) {
        String cameraId = watchedCamera(exchange);
        long msn = number(exchange, MSN_PARAMETER);
        long part = number(exchange, PART_PARAMETER);
        if (part >= 0 && msn < 0) {
            throw ApiException.badRequest(PART_PARAMETER + " needs " + MSN_PARAMETER);
        }
        if (part > Integer.MAX_VALUE) {
            throw ApiException.badRequest(PART_PARAMETER + " is too large");
        }
        boolean delta = skip(exchange);
        muxers.ensureRunning(cameraId);
        LiveWindow window = muxers.window(cameraId).orElseThrow(HlsEndpoints::noVideoYet);
        if (msn >= 0) {
            switch (window.classify(msn, (int) part)) {
                case TOO_FAR -> throw ApiException.badRequest("That media sequence number is too far ahead of the live playlist");
                case PENDING -> throw notReadyInTime();
                case AVAILABLE -> { }
            }
        }
        LiveAnswer playlist = LiveAnswer.playlist(window, LiveAnswer.NONE, LiveAnswer.NONE, delta, access.tokenQueryFor(exchange))
                .orElseThrow(() -> {
                    if (muxers.failure(cameraId).isPresent()) {
                        // the reason is in the camera status and health (for the operator), not here
                        return new ApiException(503, "unavailable", "Video from this camera cannot be prepared for playback right now; try again shortly");
                    }
                    return noVideoYet();
                });
        respond(exchange, playlist);
    }

    /** An init section, a part or a segment, by the names the playlist gives them. */
    public void segment(Exchange exchange) {
        String name = exchange.getIn().getHeader(SEGMENT_HEADER, String.class);
        SegmentNames.Kind kind = SegmentNames.kind(name);
        if (kind != SegmentNames.Kind.INIT && kind != SegmentNames.Kind.PART && kind != SegmentNames.Kind.MEDIA) {
            throw ApiException.notFound("No such segment");
        }
        String cameraId = watchedCamera(exchange);
        muxers.touch(cameraId);
        Optional<LiveWindow> window = muxers.window(cameraId);
        Optional<LiveAnswer> answer = window.flatMap(w -> LiveAnswer.file(w, name));
        if (answer.isEmpty()) {
            Optional<SegmentNames.PartName> part = SegmentNames.part(name);
            if (part.isPresent() && window.isPresent()
                    && window.get().classify(part.get().msn(), part.get().index()) == LiveWindow.Request.PENDING) {
                throw notReadyInTime(); // a preload-hinted part that did not come in time
            }
            throw ApiException.notFound("No such segment (it may have left the live window)");
        }
        respond(exchange, answer.get());
    }

    /** A non-negative decimal query parameter, or -1 when absent; 400 otherwise. */
    private static long number(Exchange exchange, String name) {
        try {
            return LiveAnswer.number(exchange.getIn().getHeader(name, String.class));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name + " must be a non-negative integer");
        }
    }

    /** {@code _HLS_skip}: whether it asks for a delta update; 400 for a value the spec does not define. */
    private static boolean skip(Exchange exchange) {
        try {
            return LiveAnswer.skip(exchange.getIn().getHeader(SKIP_PARAMETER, String.class));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(SKIP_PARAMETER + " must be YES or v2");
        }
    }

    private static ApiException noVideoYet() {
        return ApiException.notFound("No video from this camera yet; try again shortly");
    }

    private static ApiException notReadyInTime() {
        return new ApiException(503, "unavailable", "Not available yet; reload the playlist");
    }

    private String watchedCamera(Exchange exchange) {
        Session session = exchange.getProperty(HlsAccess.SESSION_PROPERTY, Session.class);
        if (session == null || cameras.find(session.cameraId()).isEmpty()) {
            throw ApiException.notFound("The session's camera no longer exists");
        }
        return session.cameraId();
    }

    /** Replaces every header: request headers (the token among them) must never echo back. */
    private static void respond(Exchange exchange, LiveAnswer answer) {
        try (answer) {
            exchange.getMessage().setHeaders(new LinkedHashMap<>());
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, answer.contentType());
            exchange.getMessage().setHeader("Cache-Control", answer.cacheControl());
            // a copy: the route's body is written after this returns, when the window may have recycled its arrays
            exchange.getMessage().setBody(answer.body());
        }
    }
}
