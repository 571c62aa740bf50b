package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Media;
import io.lenswire.it.support.RtspServer;
import io.lenswire.it.support.Wait;

/** On-demand HLS: real RTSP in, packet-copied fMP4 HLS out, judged by ffprobe/ffmpeg. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HlsPlaybackIT {

    static final String JWT_SECRET = "it-playback-secret-0123456789abcdefghijklmnop";
    private static RtspServer rtsp;
    private static LenswireProcess app;
    private static Api api;

    @BeforeAll
    static void start() {
        rtsp = RtspServer.start(null, "/cam=h264", "/hevc=h265");
        app = LenswireProcess.start("hls", "--lenswire.playback.jwt-secrets[0]=" + JWT_SECRET,
                "--lenswire.hls.idle-timeout=4s");
        api = app.api();
        assertThat(api.postJson("/api/stream/cameras/add",
                "{\"camera_id\":\"cam\",\"rtsp_url\":\"" + rtsp.url("/cam") + "\",\"enable_analytics\":true}").status()).isEqualTo(201);
        assertThat(api.addCamera("hevc", rtsp.url("/hevc")).status()).isEqualTo(201);
        Wait.until("cameras STREAMING", Duration.ofSeconds(15),
                () -> api.state("cam").equals("STREAMING") && api.state("hevc").equals("STREAMING"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (rtsp != null) rtsp.close();
    }

    static JsonNode createSession(String cameraId, String userId) {
        return HlsPlaybackITSupport.create(api, cameraId, userId);
    }


    static double muxersActive() {
        Matcher m = Pattern.compile("(?m)^lenswire_hls_muxers_active(?:\\{[^}]*\\})? ([0-9.]+)").matcher(api.get("/actuator/prometheus").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    static List<Double> durations(String playlist) {
        Matcher m = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
        List<Double> out = new ArrayList<>();
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    private static final Pattern RECONNECT_DISCONTINUITY = Pattern.compile("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init_[1-9][0-9]*\\.mp4");

    static long mediaSequence(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)").matcher(playlist);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    @Order(1)
    void ffmpegDecodesTheStreamAndThePlaylistIsWellFormed() {
        JsonNode session = createSession("cam", "viewer-1");
        assertThat(session.path("expires_at").asText()).endsWith("Z");
        String url = api.base() + session.path("hls_url").asText();
        long started = System.nanoTime();
        Api.Response first = api.getWithoutKey(session.path("hls_url").asText());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        System.out.printf("create-session to first playlist: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(first.contentType()).startsWith("application/vnd.apple.mpegurl");
        assertThat(first.body()).contains("#EXT-X-MAP:URI=\"init_0.mp4?token=", "#EXT-X-TARGETDURATION:", "#EXTINF:",
                "#EXT-X-PART:", "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_");
        assertThat(first.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
                .allMatch(l -> l.matches("seg_\\d+\\.m4s\\?token=.+"));

        Media.Result probe = Media.probe(url);
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("codec_name=h264", "width=1280", "height=720");
        Media.Result decode = Media.decode(url, 5);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
        assertThat(decode.output()).as("ffmpeg errors while decoding 5 s").isBlank();

        // every segment is one of the camera's 1 s GOPs (segment-duration 1 s); list-size 6
        Wait.until("steady-state playlist: 6 segments of 1 s, the oldest already dropped", Duration.ofSeconds(40), () -> {
            String p = api.getWithoutKey(session.path("hls_url").asText()).body();
            List<Double> d = durations(p);
            return d.size() == 6 && d.stream().allMatch(x -> x >= 0.96 && x <= 1.04) && mediaSequence(p) >= 1;
        });
        String steady = api.getWithoutKey(session.path("hls_url").asText()).body();
        assertThat(mediaSequence(steady)).isGreaterThanOrEqualTo(1);
        assertThat(steady).contains("#EXT-X-TARGETDURATION:1", "#EXT-X-INDEPENDENT-SEGMENTS", "#EXT-X-PROGRAM-DATE-TIME",
                "#EXT-X-PART-INF:PART-TARGET=0.200", "CAN-BLOCK-RELOAD=YES");
        assertNewestSegmentEndsAtCaptureTime(session.path("hls_url").asText());
    }

    /**
     * Program dates are on the capture clock: waits for the playlist to list a new segment, which
     * happens when the key frame after it arrives, so that segment ends about now. (The muxer
     * starts from cached GOPs, so FFmpeg's own dates were 1-2 GOPs late. After a reconnect the
     * new muxer context gets its own anchor.)
     */
    static void assertNewestSegmentEndsAtCaptureTime(String hlsUrl) {
        String before = newestSegment(api.getWithoutKey(hlsUrl).body());
        String playlist;
        long now;
        long deadline = System.currentTimeMillis() + 10_000;
        do {
            Wait.sleep(20);
            playlist = api.getWithoutKey(hlsUrl).body();
            now = System.currentTimeMillis();
        } while (newestSegment(playlist).equals(before) && now < deadline);
        List<String> lines = playlist.lines().toList();
        int last = lines.size() - 1;
        while (!lines.get(last).startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
            last--;
        }
        long start = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .parse(lines.get(last).substring("#EXT-X-PROGRAM-DATE-TIME:".length()), java.time.Instant::from).toEpochMilli();
        int extinf = last + 1;
        while (!lines.get(extinf).startsWith("#EXTINF:")) {
            extinf++; // past the segment's parts
        }
        double seconds = Double.parseDouble(lines.get(extinf).replaceAll("#EXTINF:([0-9.]+),.*", "$1"));
        long end = start + Math.round(seconds * 1000);
        assertThat(end).as("newest segment's end (program date + duration) vs now " + now + "\n" + playlist)
                .isBetween(now - 1500, now + 300);
    }

    static String newestSegment(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("seg_")).reduce((a, b) -> b).orElse("");
    }

    @Test
    @Order(2)
    void hevcIsCopiedAndTaggedHvc1() {
        JsonNode session = createSession("hevc", "viewer-h265");
        Media.Result probe = Media.probe(api.base() + session.path("hls_url").asText());
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("codec_name=hevc", "codec_tag_string=hvc1", "width=1280", "height=720");
        Media.Result decode = Media.decode(api.base() + session.path("hls_url").asText(), 5);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
    }

    @Test
    @Order(3)
    void threeViewersShareOneRtspConnectionAndOneMuxer() {
        double before = muxersActive();
        List<JsonNode> sessions = List.of(createSession("cam", "a"), createSession("cam", "b"), createSession("cam", "c"));
        for (JsonNode s : sessions) {
            assertThat(api.getWithoutKey(s.path("hls_url").asText()).status()).isEqualTo(200);
            // the newest complete segment: the oldest listed may leave the window before it is asked for
            String segment = api.getWithoutKey(s.path("hls_url").asText()).body().lines().filter(l -> l.startsWith("seg_"))
                    .reduce((first, second) -> second).orElseThrow();
            Api.Response bytes = api.getWithoutKey("/api/stream/hls/" + s.path("session_id").asText() + "/" + segment);
            assertThat(bytes.status()).isEqualTo(200);
            assertThat(bytes.contentType()).isEqualTo("video/iso.segment");
        }
        assertThat(rtsp.describes("/cam")).as("RTSP sessions for the watched camera").isEqualTo(1);
        assertThat(rtsp.connectedClients()).as("one RTSP client per camera").isEqualTo(2);
        assertThat(muxersActive()).as("muxers: one per watched camera, whatever the viewers").isEqualTo(before).isBetween(1.0, 2.0);
        JsonNode list = api.get("/api/stream/playback/sessions").json();
        assertThat(list.toString()).doesNotContain(sessions.get(0).path("token").asText());
    }

    @Test
    @Order(4)
    void traversalAndOddSegmentNamesNeverReachFiles() throws Exception {
        JsonNode s = createSession("cam", "prowler");
        String base = "/api/stream/hls/" + s.path("session_id").asText() + "/";
        String token = "?token=" + s.path("token").asText();
        Files.createDirectories(app.dataDir().resolve("hls"));
        Files.writeString(app.dataDir().resolve("hls").resolve("secret.txt"), "TOP-SECRET-FILE");
        for (String name : List.of("..", "%2e%2e", "..%2f..%2fapi-key", "%2e%2e%2fsecret.txt", "..;/secret.txt", "../secret.txt",
                "%2fetc%2fpasswd", "index.m3u8", "init.mp4", "init_0.mp4.tmp", "init_00.mp4", "part_1_0.m4s", "part_000001_01.m4s", "seg_1.m4s", "seg_000001.m4s.tmp", "api-key",
                "x".repeat(300), "seg_" + "9".repeat(200) + ".m4s", "%00", "seg_000001.m4s%00.txt")) {
            Api.Response r = api.getWithoutKey(base + name + token);
            assertThat(r.status()).as("segment name %s", name).isBetween(400, 404);
            assertThat(r.body()).doesNotContain("TOP-SECRET", "lw_", LenswireProcess.API_KEY, "ftyp");
        }
        // another camera's segment through this session's URL is not reachable either
        JsonNode other = createSession("hevc", "prowler");
        String otherSegment = api.getWithoutKey(other.path("hls_url").asText()).body().lines().filter(l -> l.startsWith("seg_")).findFirst().orElseThrow();
        Api.Response cross = api.getWithoutKey("/api/stream/hls/" + other.path("session_id").asText() + "/" + otherSegment.replaceAll("\\?token=.*", "") + token);
        assertThat(cross.status()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void cameraDropKeepsThePlaylistAndPlaybackResumesWithADiscontinuity() {
        JsonNode s = createSession("cam", "patient");
        String hls = s.path("hls_url").asText();
        assertThat(api.getWithoutKey(hls).status()).isEqualTo(200);
        rtsp.kill();
        Wait.until("camera RECONNECTING", Duration.ofSeconds(10), () -> api.state("cam").matches("RECONNECTING|FAILED"));
        for (int i = 0; i < 5; i++) {
            Api.Response r = api.getWithoutKey(hls);
            assertThat(r.status()).as("playlist while the camera is down").isEqualTo(200);
            assertThat(r.body()).contains("#EXTINF");
            Wait.sleep(300);
        }
        rtsp.start();
        Wait.until("camera STREAMING", Duration.ofSeconds(15), () -> api.state("cam").equals("STREAMING"));
        Wait.until("playlist resumes with a discontinuity", Duration.ofSeconds(20), () -> {
            Api.Response r = api.getWithoutKey(hls);
            assertThat(r.status()).isLessThan(500);
            return RECONNECT_DISCONTINUITY.matcher(r.body()).find();
        });
        // the reconnect's discontinuity, new EXT-X-MAP and continued numbering, by RFC 8216bis
        String resumed = api.getWithoutKey(hls).body();
        assertThat(resumed).containsPattern(RECONNECT_DISCONTINUITY);
        io.lenswire.hls.LlHlsPlaylistChecker.assertConforms(resumed, s.path("token").asText());
        Media.Result decode = Media.decode(api.base() + hls, 3);
        assertThat(decode.exitCode()).as(decode.output()).isZero();
        assertNewestSegmentEndsAtCaptureTime(hls);
    }

    @Test
    @Order(6)
    void idleMuxersStopAndLeaveNoFilesThenStartAgain() {
        for (JsonNode s : api.get("/api/stream/playback/sessions").json().path("sessions")) {
            assertThat(api.delete("/api/stream/playback/" + s.path("session_id").asText()).status()).isEqualTo(200);
        }
        Wait.until("muxers stopped after the idle timeout", Duration.ofSeconds(20), () -> muxersActive() == 0.0);
        // LL-HLS lives in memory: nothing was ever written under the data dir
        try (var files = Files.walk(app.dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".m4s") || n.endsWith(".m3u8") || n.matches("init.*\\.mp4")))
                    .as("HLS files under the data dir").isEmpty();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        int threadsWhenIdle = app.threads();
        for (int cycle = 1; cycle <= 3; cycle++) {
            JsonNode again = createSession("cam", "returning-" + cycle);
            assertThat(api.getWithoutKey(again.path("hls_url").asText()).status()).isEqualTo(200);
            assertThat(muxersActive()).as("started again by a new session").isEqualTo(1.0);
            assertThat(api.delete("/api/stream/playback/" + again.path("session_id").asText()).status()).isEqualTo(200);
            Wait.until("cycle " + cycle + ": muxer stopped", Duration.ofSeconds(20), () -> muxersActive() == 0.0);
        }
        // a muxer thread left behind per start/stop would add 3
        Wait.until("threads back to " + threadsWhenIdle, Duration.ofSeconds(10), () -> app.threads() <= threadsWhenIdle + 2);
    }

    @Test
    @Order(7)
    void headerTokenWorksAndIsNeverEchoed() {
        JsonNode s = createSession("cam", "bearer");
        String token = s.path("token").asText();
        Api.Response r = api.send(api.request("/api/stream/hls/" + s.path("session_id").asText() + "/playlist.m3u8")
                .header("Authorization", "Bearer " + token).GET().build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(token).contains("#EXT-X-MAP:URI=\"init_0.mp4\"");
        HttpRequest head = api.request("/api/stream/hls/" + s.path("session_id").asText() + "/playlist.m3u8")
                .header("Authorization", "Bearer " + token).GET().build();
        assertThat(api.send(head).body()).doesNotContain("Bearer");
    }

    @Test
    @Order(8)
    void camerasNamedLikeTheHlsEndpointsAreWatchedLikeAnyOther() {
        // the muxer route of camera X is hls-X: it must never replace the HLS endpoints' own routes
        for (String id : List.of("playlist", "segment")) {
            assertThat(api.addCamera(id, rtsp.url("/cam")).status()).isEqualTo(201);
            Wait.until(id + " STREAMING", Duration.ofSeconds(15), () -> api.state(id).equals("STREAMING"));
            JsonNode s = createSession(id, "namesake");
            Api.Response playlist = api.getWithoutKey(s.path("hls_url").asText());
            assertThat(playlist.status()).as(id + " playlist").isEqualTo(200);
            String segment = playlist.body().lines().filter(l -> l.startsWith("seg_")).findFirst().orElseThrow();
            assertThat(api.getWithoutKey("/api/stream/hls/" + s.path("session_id").asText() + "/" + segment).status()).isEqualTo(200);
        }
        JsonNode other = createSession("cam", "neighbour");
        assertThat(api.getWithoutKey(other.path("hls_url").asText()).status()).as("another camera's playlist").isEqualTo(200);
    }
}
