package io.lenswire.playback;

/** The URLs a playback client is given. Relative, so they work behind any host name or proxy. */
public final class PlaybackUrls {

    public static final String HLS_BASE = "/api/stream/hls/";
    public static final String PLAYLIST = "playlist.m3u8";

    private PlaybackUrls() {
    }

    /** The playlist URL, with {@code ?token=} when a token is given (JWTs are URL-safe as they are). */
    public static String playlist(String sessionId, String token) {
        String url = HLS_BASE + sessionId + "/" + PLAYLIST;
        return token == null ? url : url + "?" + PlaybackCredentials.QUERY_PARAMETER + "=" + token;
    }
}
