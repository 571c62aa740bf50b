package io.lenswire.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import io.lenswire.ingest.rtsp.ContinuousTimestamps;
import io.lenswire.ingest.rtsp.H264Slices;
import io.lenswire.ingest.rtsp.H264Sps;
import io.lenswire.ingest.rtsp.H265Sps;
import io.lenswire.ingest.rtsp.RtpDepacketizer;
import io.lenswire.ingest.rtsp.RtspAuth;
import io.lenswire.ingest.rtsp.RtspConnection;
import io.lenswire.ingest.rtsp.Sdp;
import io.lenswire.ingest.rtsp.SocketDeadlines;
import io.lenswire.ingest.rtsp.UnsupportedStreamException;

/**
 * Reads an {@code rtsp://} camera's video over RTSP/TCP with Lenswire's own client: the same
 * packets libavformat would give (access units in Annex B, key frame flags, 90 kHz timestamps),
 * for a fraction of the system calls (see {@link RtspConnection}; the protocol pieces are in
 * {@code ingest.rtsp}).
 *
 * <p>It takes the common camera stream only: one H.264 or H.265 video track, no audio, no
 * B-frames, no redirect. For anything else {@link #open()} (or, for B-frames found later,
 * {@link #read()}) throws {@link UnsupportedStreamException} and the caller uses libavformat.
 * B-frames are known from the SPS (H.265 always says; H.264 says in its optional VUI) or else
 * from the first B picture's slice header, looked for in the first frames before {@code open()}
 * returns. A timestamp that goes back is not taken for reordering: it is the camera's clock
 * restarting (an encoder restart, a server seeking a shared stream), and the stream's time goes
 * on one frame after the last, as players and the HLS segmenter need it to.
 *
 * <p>One owner thread; {@link #abort()} may come from any thread.
 */
final class RtspPacketSource implements PacketSource {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RtspPacketSource.class);
    private static final int CLOCK_RATE = 90_000;
    /** Frames read before open() returns when the SPS does not say whether B-frames come (I P B: the third). */
    private static final int REORDER_PROBE_UNITS = 3;
    private static final int H264_CODEC_ID = org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
    private static final int HEVC_CODEC_ID = org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;

    private final String cameraId;
    private final String url;
    private final SourceOptions options;
    private final long generation;
    private final Runnable oversizedDropped;
    private final SocketDeadlines deadlines;

    private volatile boolean aborted;
    private volatile Socket socket;
    private volatile SocketDeadlines.Watch watch;
    private RtspConnection connection;
    private RtpDepacketizer depacketizer;
    private StreamInfo info;
    private int rtpChannel;
    private String keepAliveMethod;
    private String keepAliveUrl;
    private String session;
    private long keepAliveEveryNanos;
    private long lastKeepAliveNanos;
    private long firstTimestamp = Long.MIN_VALUE;
    private long lastTimestamp = Long.MIN_VALUE;
    private long oversizedSeen;
    private boolean warnedOversized;
    private final ArrayDeque<RtpDepacketizer.AccessUnit> ready = new ArrayDeque<>();
    private RtpDepacketizer.Codec codec;
    /** From the session description; null when the camera sends them only in the stream. */
    private byte[][] parameterSets;
    private double sdpFramerate;
    /** Set at the first B picture of an H.264 stream whose SPS does not say whether it reorders. */
    private boolean bPictures;
    /** The SPS does not say whether the stream reorders: look at its slices. */
    private boolean reorderingUnknown;
    private final ContinuousTimestamps timestamps = new ContinuousTimestamps(CLOCK_RATE / 25, CLOCK_RATE);

    /**
     * @param oversizedDropped  told of every access unit dropped for being over {@code options.maxPacketBytes()}
     * @param deadlines         keeps the connect and read deadlines (the component's, shared by all cameras)
     */
    RtspPacketSource(String cameraId, String url, SourceOptions options, long generation, Runnable oversizedDropped,
                     SocketDeadlines deadlines) {
        this.cameraId = cameraId;
        this.url = url;
        this.options = options;
        this.generation = generation;
        this.oversizedDropped = oversizedDropped;
        this.deadlines = deadlines;
    }

    /** Whether this reader may take {@code url} with these options at all (before connecting). */
    static boolean handles(String url, SourceOptions options) {
        return url.regionMatches(true, 0, "rtsp://", 0, 7) && "tcp".equalsIgnoreCase(options.transport())
                && !options.loop() && !options.realtime();
    }

    @Override
    public StreamInfo open() throws IOException {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        Target target = Target.parse(url);
        // the name or literal here; the address it resolves to below, which is the one connected to
        // (resolving once: a second lookup could answer differently from the one checked)
        String refused = CameraHosts.refusal(target.host());
        if (refused != null) {
            throw new IOException(NOT_ALLOWED + ": its host " + refused);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(target.bareHost());
        } catch (java.net.UnknownHostException e) {
            throw new IOException("could not open the stream: unknown host");
        }
        String why = CameraHosts.refusal(address); // the address connected to is the one checked
        if (why != null) {
            throw new IOException(NOT_ALLOWED + ": its host resolves to " + why);
        }
        Socket s = new Socket();
        socket = s;
        if (aborted) {
            s.close();
            throw new IOException("stopped");
        }
        try {
            SocketDeadlines.Watch w = deadlines.watch(s);
            watch = w;
            w.until(deadline);
            s.setTcpNoDelay(true);
            try {
                // no timeout given to the socket: one with a timeout reads in non-blocking mode (see SocketDeadlines)
                s.connect(new InetSocketAddress(address, target.port()));
            } catch (SocketException e) {
                throw w.failure(e, "connect timed out");
            }
            connection = new RtspConnection(s, new RtspAuth(target.user(), target.password()), w);
            handshake(target, deadline);
            connection.deadline(deadline);
            info = readAhead(deadline);
            return info;
        } catch (IOException e) {
            throw aborted ? new IOException("stopped") : worded(e, "could not open the stream");
        }
    }

    /** Socket errors worded as libavformat's are ("could not open the stream: Connection refused"); ours pass as they are. */
    private IOException worded(IOException e, String what) {
        String m = e.getMessage();
        if (e instanceof UnsupportedStreamException || (m != null && (m.startsWith("could not") || m.startsWith(NOT_ALLOWED)))) {
            return e;
        }
        return new IOException(what + ": " + (m != null ? m : e.getClass().getSimpleName()), e);
    }

    private void handshake(Target target, long deadline) throws IOException {
        RtspConnection.Response offered = connection.request("OPTIONS", target.requestUrl(), Map.of(), deadline);
        String methods = offered.status() == 200 && offered.header("public") != null ? offered.header("public").toUpperCase(Locale.ROOT) : "";
        keepAliveMethod = methods.contains("GET_PARAMETER") ? "GET_PARAMETER" : "OPTIONS";

        RtspConnection.Response describe = connection.request("DESCRIBE", target.requestUrl(), Map.of("Accept", "application/sdp"), deadline);
        if (describe.status() >= 300 && describe.status() < 400) {
            throw new UnsupportedStreamException("the camera redirects");
        }
        check(describe, "DESCRIBE");
        Sdp sdp = Sdp.parse(new String(describe.body(), StandardCharsets.UTF_8));
        Sdp.Media video = sdp.video();
        if (video == null) {
            throw new IOException("could not open the stream: the stream has no video");
        }
        if (sdp.media().size() != 1) {
            throw new UnsupportedStreamException("the stream has " + sdp.media().size() + " tracks (audio or data besides video)");
        }
        RtpDepacketizer.Codec codec = switch (video.encoding()) {
            case "H264" -> RtpDepacketizer.Codec.H264;
            case "H265" -> RtpDepacketizer.Codec.H265;
            default -> throw new UnsupportedStreamException("the video codec is " + video.encoding());
        };
        if (video.clockRate() != CLOCK_RATE) {
            throw new UnsupportedStreamException("the video clock rate is " + video.clockRate());
        }
        this.codec = codec;
        depacketizer = new RtpDepacketizer(codec, video.payloadType(), options.maxPacketBytes());
        parameterSets = fromSdp(codec, video);
        sdpFramerate = video.framerate();

        String base = firstNonNull(describe.header("content-base"), describe.header("content-location"), target.requestUrl());
        String trackUrl = resolve(base, video.control());
        RtspConnection.Response setup = connection.request("SETUP", trackUrl,
                Map.of("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"), deadline);
        check(setup, "SETUP");
        String sessionHeader = setup.header("session");
        if (sessionHeader == null) {
            throw new IOException("could not open the stream: the camera gave no session");
        }
        String[] sessionParts = sessionHeader.split(";");
        session = sessionParts[0].strip();
        long timeoutSeconds = 60;
        for (String p : sessionParts) {
            String t = p.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("timeout=")) {
                try {
                    timeoutSeconds = Math.max(2, Long.parseLong(t.substring(8)));
                } catch (NumberFormatException e) {
                    timeoutSeconds = 60;
                }
            }
        }
        keepAliveEveryNanos = timeoutSeconds * 1_000_000_000L / 2;
        rtpChannel = interleavedChannel(setup.header("transport"));

        keepAliveUrl = sdp.sessionControl() == null || sdp.sessionControl().equals("*") ? base : resolve(base, sdp.sessionControl());
        RtspConnection.Response play = connection.request("PLAY", keepAliveUrl, Map.of("Session", session, "Range", "npt=0.000-"), deadline);
        check(play, "PLAY");
        lastKeepAliveNanos = System.nanoTime();
    }

    /** Reads until the stream's parameter sets and frame rate are known; what it read is handed out first by {@link #read()}. */
    private StreamInfo readAhead(long deadline) throws IOException {
        while (true) {
            byte[][] sets = parameterSets != null ? parameterSets : inBand(codec);
            double fps = sdpFramerate;
            int[] size = null;
            if (sets != null) {
                byte[] sps = sets[codec == RtpDepacketizer.Codec.H264 ? 0 : 1];
                try {
                    if (codec == RtpDepacketizer.Codec.H264) {
                        H264Sps.Info s = H264Sps.parse(sps);
                        if (s.maxNumReorderFrames() > 0) {
                            throw new UnsupportedStreamException("the stream may reorder frames (B-frames)");
                        }
                        reorderingUnknown = s.maxNumReorderFrames() < 0;
                        if (reorderingUnknown && ready.stream().anyMatch(RtspPacketSource::isBPicture)) {
                            throw new UnsupportedStreamException("the camera sends frames out of order (B-frames)");
                        }
                        size = new int[] {s.width(), s.height()};
                        if (s.fps() > 0) {
                            fps = s.fps();
                        }
                    } else {
                        H265Sps.Info s = H265Sps.parse(sps);
                        if (H265Sps.maxNumReorderPics(sps) > 0) {
                            throw new UnsupportedStreamException("the stream may reorder frames (B-frames)");
                        }
                        size = new int[] {s.width(), s.height()};
                    }
                } catch (IllegalArgumentException e) {
                    throw new UnsupportedStreamException("its sequence parameter set could not be read (" + e.getMessage() + ")");
                }
            }
            if (size != null && fps <= 0 && ready.size() >= 2) {
                long delta = lastTimestamp - ready.peekFirst().timestamp();
                fps = delta > 0 ? (double) CLOCK_RATE * (ready.size() - 1) / delta : 0;
            }
            // a stream that may have B-frames shows the first within a few frames (I P B ...)
            boolean reorderingKnown = !reorderingUnknown || ready.size() >= REORDER_PROBE_UNITS;
            if (size != null && (fps > 0 || ready.size() >= 2) && reorderingKnown) {
                String codecName = codec == RtpDepacketizer.Codec.H264 ? "h264" : "hevc";
                int codecId = codec == RtpDepacketizer.Codec.H264 ? H264_CODEC_ID : HEVC_CODEC_ID;
                return new StreamInfo(generation, 0, codecName, codecId, size[0], size[1], fps, 1, CLOCK_RATE,
                        annexB(sets), null);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("could not read stream information: timed out (no answer)");
            }
            if (ready.size() > 250) {
                throw new UnsupportedStreamException("no parameter sets in the first 250 frames");
            }
            readOnce();
        }
    }

    private byte[][] inBand(RtpDepacketizer.Codec codec) {
        if (codec == RtpDepacketizer.Codec.H264) {
            return depacketizer.sps() != null && depacketizer.pps() != null ? new byte[][] {depacketizer.sps(), depacketizer.pps()} : null;
        }
        return depacketizer.vps() != null && depacketizer.sps() != null && depacketizer.pps() != null
                ? new byte[][] {depacketizer.vps(), depacketizer.sps(), depacketizer.pps()} : null;
    }

    /** H.264: {SPS, PPS}; H.265: {VPS, SPS, PPS}; null when the description does not carry them. */
    private byte[][] fromSdp(RtpDepacketizer.Codec codec, Sdp.Media video) {
        try {
            if (codec == RtpDepacketizer.Codec.H264) {
                String sets = video.fmtp().get("sprop-parameter-sets");
                if (sets == null) {
                    return null;
                }
                byte[] sps = null;
                byte[] pps = null;
                for (String s : sets.split(",")) {
                    byte[] nal = Base64.getDecoder().decode(s.strip());
                    if (nal.length > 0 && (nal[0] & 0x1F) == 7 && sps == null) {
                        sps = nal;
                    } else if (nal.length > 0 && (nal[0] & 0x1F) == 8 && pps == null) {
                        pps = nal;
                    }
                }
                return sps != null && pps != null ? new byte[][] {sps, pps} : null;
            }
            String vps = video.fmtp().get("sprop-vps");
            String sps = video.fmtp().get("sprop-sps");
            String pps = video.fmtp().get("sprop-pps");
            if (vps == null || sps == null || pps == null) {
                return null;
            }
            Base64.Decoder d = Base64.getDecoder();
            return new byte[][] {d.decode(vps.strip()), d.decode(sps.strip()), d.decode(pps.strip())};
        } catch (IllegalArgumentException e) {
            return null; // bad base64: wait for the parameter sets in the stream
        }
    }

    private static byte[] annexB(byte[][] sets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : sets) {
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.write(nal, 0, nal.length);
        }
        return out.toByteArray();
    }

    @Override
    public EncodedPacket read() throws IOException {
        try {
            if (ready.isEmpty()) {
                // as libavformat's interrupt deadline: a whole frame within the read timeout, not just a byte
                connection.deadline(System.nanoTime() + options.readTimeout().toNanos());
                while (ready.isEmpty()) {
                    readOnce();
                }
            }
        } catch (IOException e) {
            throw aborted ? new IOException("stopped") : worded(e, "stream read failed");
        }
        RtpDepacketizer.AccessUnit unit = ready.pollFirst();
        long pts = unit.timestamp() - firstTimestamp;
        return new EncodedPacket(cameraId, info, 0, true, unit.keyFrame(), pts, pts, 0, unit.data(), System.nanoTime());
    }

    private void readOnce() throws IOException {
        long now = System.nanoTime();
        if (now - lastKeepAliveNanos > keepAliveEveryNanos) {
            lastKeepAliveNanos = now;
            connection.send(keepAliveMethod, keepAliveUrl, Map.of("Session", session));
        }
        connection.next(this::frame);
        if (bPictures) {
            throw new UnsupportedStreamException("the camera sends frames out of order (B-frames)");
        }
        long dropped = depacketizer.oversizedDropped();
        if (dropped != oversizedSeen) {
            for (long i = oversizedSeen; i < dropped; i++) {
                oversizedDropped.run();
            }
            oversizedSeen = dropped;
            if (!warnedOversized) {
                warnedOversized = true; // once per connection: a camera sending only such frames would flood the log
                LOG.warn("camera {}: dropping packets over lenswire.ingest.max-packet-size ({} bytes)", cameraId, options.maxPacketBytes());
            }
        }
    }

    private void frame(int channel, byte[] buf, int off, int len) {
        if (channel == rtpChannel) {
            depacketizer.push(buf, off, len, this::unit);
        }
    }

    private static boolean isBPicture(RtpDepacketizer.AccessUnit unit) {
        return !unit.keyFrame() && H264Slices.isBPicture(unit.data());
    }

    private void unit(RtpDepacketizer.AccessUnit unit) {
        if (bPictures || reorderingUnknown && isBPicture(unit)) {
            bPictures = true;
            return;
        }
        long backSteps = timestamps.backSteps();
        long timestamp = timestamps.next(unit.timestamp());
        if (backSteps == 0 && timestamps.backSteps() == 1) {
            // once per connection: a camera whose clock keeps jumping would flood the log
            LOG.info("camera {}: the camera's timestamps went back; the stream's time goes on from the last frame", cameraId);
        }
        if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = timestamp;
        }
        lastTimestamp = timestamp;
        ready.addLast(timestamps.shifted() ? new RtpDepacketizer.AccessUnit(unit.data(), timestamp, unit.keyFrame()) : unit);
    }

    @Override
    public String reader() {
        return "lenswire";
    }

    @Override
    public void abort() {
        aborted = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close(); // unblocks a connect or read in progress
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        if (connection != null && session != null && !aborted) {
            try {
                connection.send("TEARDOWN", keepAliveUrl, Map.of("Session", session));
            } catch (IOException e) {
                // the connection is going anyway
            }
        }
        abort();
        if (connection != null) {
            connection.close();
        }
        SocketDeadlines.Watch w = watch;
        if (w != null) {
            w.close();
        }
    }

    private static void check(RtspConnection.Response r, String method) throws IOException {
        if (r.status() != 200) {
            throw new IOException("could not open the stream: " + method + " answered " + r.status()
                    + (r.status() == 401 ? " (authorization failed)" : ""));
        }
    }

    private static int interleavedChannel(String transport) {
        if (transport != null) {
            for (String p : transport.split(";")) {
                String t = p.strip().toLowerCase(Locale.ROOT);
                if (t.startsWith("interleaved=")) {
                    try {
                        return Integer.parseInt(t.substring(12).split("-")[0]);
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** A control attribute against the base URL (RFC 2326 C.1.1): absolute, '*', or relative. */
    static String resolve(String base, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return base;
        }
        if (control.regionMatches(true, 0, "rtsp://", 0, 7)) {
            return Target.withoutCredentials(control);
        }
        return base.endsWith("/") ? base + control : base + "/" + control;
    }

    /** The parts of the camera's URL; the credentials never go into a request line. */
    record Target(String host, String bareHost, int port, String requestUrl, String user, String password) {
        static Target parse(String url) throws IOException {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IOException("could not open the stream: the address is not a valid URL");
            }
            String host = uri.getHost();
            if (host == null) {
                throw new IOException("could not open the stream: the address has no host");
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 554;
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            String user = null;
            String password = null;
            String info = uri.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                user = decode(colon < 0 ? info : info.substring(0, colon));
                password = colon < 0 ? "" : decode(info.substring(colon + 1));
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String authority = host + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            return new Target(host, bare, port, "rtsp://" + authority + path + query, user, password);
        }

        static String withoutCredentials(String url) {
            int scheme = url.indexOf("://");
            int at = url.indexOf('@', scheme + 3);
            int slash = url.indexOf('/', scheme + 3);
            if (scheme < 0 || at < 0 || (slash >= 0 && at > slash)) {
                return url;
            }
            return url.substring(0, scheme + 3) + url.substring(at + 1);
        }

        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Target[" + requestUrl + "]"; // never the credentials
        }
    }

    /** For tests: socket reads this connection made. */
    long socketReads() {
        return connection == null ? 0 : connection.reads();
    }
}
