package io.lenswire.hls;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A successful answer to an LL-HLS request, read from a camera's {@link LiveWindow}: the one place
 * that decides what a playlist, init section, part or segment request gets when it can be
 * answered (content type, caching, bytes). Both answerers use it: {@link LiveHlsResponder} on the
 * hot path, {@link HlsEndpoints} in the route for everything else; refusals are the route's alone.
 *
 * <p>The media is the window's own, lent ({@link LentBytes}): close the answer once it is written.
 */
record LiveAnswer(String contentType, String cacheControl, LentBytes bytes) implements AutoCloseable {

    /** The bytes as one array the caller may keep (a copy unless nothing will recycle them). */
    byte[] body() {
        return bytes.toArray();
    }

    List<Chunk> chunks() {
        return bytes.chunks();
    }

    int length() {
        return bytes.length();
    }

    @Override
    public void close() {
        bytes.close();
    }

    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    /** The playlist decides what is current, so it is never stored. */
    static final String PLAYLIST_CACHE = "no-cache, no-store";
    /** Parts and segments never change once cut. */
    static final String MEDIA_CACHE = "private, max-age=60";
    /** Not a media sequence number or part index asked for. */
    static final long NONE = -1;

    /**
     * The playlist when the request's blocking reload (if any) can be answered now: empty when
     * {@code msn}/{@code part} is pending or too far ahead, or before the first part.
     *
     * @param msn        {@code _HLS_msn}, or {@link #NONE}
     * @param part       {@code _HLS_part}, or {@link #NONE} (then {@code msn} asks for the whole segment)
     * @param delta      {@code _HLS_skip} asked for a Playlist Delta Update
     * @param tokenQuery the {@code ?token=} value to repeat on every URI, or null
     */
    static Optional<LiveAnswer> playlist(LiveWindow window, long msn, long part, boolean delta, String tokenQuery) {
        if (msn != NONE && window.classify(msn, (int) part) != LiveWindow.Request.AVAILABLE) {
            return Optional.empty();
        }
        return window.playlist(tokenQuery, delta)
                .map(text -> new LiveAnswer(PLAYLIST_TYPE, PLAYLIST_CACHE, LentBytes.owned(text.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * A blocking-reload query parameter's value: {@link #NONE} when absent; otherwise 1-18 decimal
     * digits (a 400 from the route when not).
     *
     * @throws IllegalArgumentException when present but not such a number
     */
    static long number(String value) {
        if (value == null) {
            return NONE;
        }
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a non-negative integer");
        }
        return Long.parseLong(value);
    }

    /**
     * Whether an {@code _HLS_skip} value asks for a Playlist Delta Update: {@code YES}, or {@code v2}
     * (which also skips EXT-X-DATERANGE tags, of which these playlists have none); absent: no.
     *
     * @throws IllegalArgumentException for any other value (a 400 from the route)
     */
    static boolean skip(String value) {
        if (value == null) {
            return false;
        }
        if (value.equals("YES") || value.equals("v2")) {
            return true;
        }
        throw new IllegalArgumentException("neither YES nor v2");
    }

    /**
     * An init section, part or segment by the name the playlist gives it; empty when there is none
     * (yet, or any more). A segment is its parts as they are in the window (no copy into one array).
     * Close what it returns once written.
     */
    static Optional<LiveAnswer> file(LiveWindow window, String name) {
        SegmentNames.Kind kind = SegmentNames.kind(name);
        Optional<LentBytes> bytes = switch (kind) {
            case INIT -> window.init(SegmentNames.initIndex(name));
            case PART -> SegmentNames.part(name).flatMap(p -> window.part(p.msn(), p.index()));
            case MEDIA -> window.segmentParts(SegmentNames.number(name));
            case UNKNOWN -> Optional.empty();
        };
        String type = kind == SegmentNames.Kind.INIT ? "video/mp4" : "video/iso.segment";
        return bytes.map(b -> new LiveAnswer(type, MEDIA_CACHE, b));
    }
}
