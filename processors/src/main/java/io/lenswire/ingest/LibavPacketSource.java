package io.lenswire.ingest;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;


/**
 * Reads encoded packets with libavformat directly, never decoding.
 *
 * <p>Why not {@code FFmpegFrameGrabber}: its {@code start()} holds a JVM-wide lock for the whole
 * open + probe, so one camera that hangs until its timeout would block every other camera's
 * connect; it also opens decoders we never use. Here every blocking libavformat call is bounded by
 * an interrupt callback with a deadline, which also lets {@link #abort()} end it at once.
 *
 * <p>Thread-safety: one owner thread; only {@link #abort()} may come from another.
 */
final class LibavPacketSource implements PacketSource {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LibavPacketSource.class);

    private final String cameraId;
    private final String url;
    private final SourceOptions options;
    private final long generation;
    private final SourceInterrupts interrupts;
    private volatile SourceInterrupts.Deadline interrupt;
    private volatile boolean aborted;
    /** Set while connecting (libavformat follows redirects only then); read by the interrupt callback. */
    private volatile RedirectGuard redirects;
    private final Runnable oversizedDropped;
    private boolean warnedOversized;
    /** The Java TLS side of a verified rtsps:// camera, or null. */
    private TlsRelay tlsRelay;

    private AVFormatContext context;
    private AVPacket packet;
    private StreamInfo info;
    private int audioIndex = -1;

    // looping and pacing of finite sources
    private long loopOffsetMicros;
    private long lastEndMicros;
    private long firstDtsMicros = Long.MIN_VALUE;
    private long paceStartNanos;
    private long openStartedNanos;

    LibavPacketSource(String cameraId, String url, SourceOptions options, long generation, SourceInterrupts interrupts) {
        this(cameraId, url, options, generation, interrupts, () -> { });
    }

    /** @param oversizedDropped told of every packet dropped for being larger than {@code options.maxPacketBytes()} */
    LibavPacketSource(String cameraId, String url, SourceOptions options, long generation, SourceInterrupts interrupts,
                      Runnable oversizedDropped) {
        this.interrupts = interrupts;
        this.cameraId = cameraId;
        this.url = url;
        this.options = options;
        this.generation = generation;
        this.oversizedDropped = oversizedDropped;
    }

    @Override
    public StreamInfo open() throws IOException {
        String protocols = SourceOptions.protocolsFor(url);
        String host = null;
        if (!SourceOptions.FILE_PROTOCOLS.equals(protocols)) {
            host = hostOf(url);
            // the URL was checked when the camera was added; this checks what the name resolves to now
            java.util.Optional<String> refused = host == null ? java.util.Optional.empty() : CameraHosts.resolvedRefusal(host);
            if (refused.isPresent()) {
                throw new IOException(NOT_ALLOWED + ": its host " + refused.get());
            }
        }
        if (aborted) {
            throw new IOException("stopped");
        }
        interrupt = interrupts.register();
        if (aborted) {
            interrupt.abort(); // abort() came between the check and the registration
        }
        String target = url;
        if (options.tlsVerifier() != null && TlsRelay.isRtsps(url)) {
            // libavformat's own TLS for rtsps never checks the certificate: Java does it, on loopback
            tlsRelay = TlsRelay.start(cameraId, url, options.tlsVerifier(), options.connectTimeout());
            target = tlsRelay.localUrl(url);
            host = hostOf(target);
        }
        context = avformat_alloc_context();
        interrupt.attachTo(context);
        AVDictionary dict = new AVDictionary(null);
        try {
            // every nested open (RTP, TLS, a redirect's new connection) inherits this list
            av_dict_set(dict, "protocol_whitelist", protocols, 0);
            if (url.startsWith("rtsp")) {
                av_dict_set(dict, "rtsp_transport", options.transport(), 0);
                av_dict_set(dict, "timeout", Long.toString(options.readTimeout().toNanos() / 1000), 0);
            }
            interrupt.arm(options.connectTimeout());
            RedirectGuard guard = host == null ? null : new RedirectGuard(context, host, options.redirectsToOtherHosts());
            redirects = guard;
            interrupt.guard(guard == null ? null : guard::refused);
            openStartedNanos = System.nanoTime();
            int ret = avformat_open_input(context, target, null, dict);
            if (ret < 0) {
                context = null; // libavformat freed it
                throw failure("could not open the stream", ret);
            }
            ret = avformat_find_stream_info(context, (PointerPointer<?>) null);
            if (ret < 0) {
                throw failure("could not read stream information", ret);
            }
        } finally {
            av_dict_free(dict);
            redirects = null; // libavformat redirects only while connecting
            interrupt.guard(null);
        }
        info = describeStreams();
        packet = av_packet_alloc();
        paceStartNanos = System.nanoTime();
        return info;
    }

    private StreamInfo describeStreams() throws IOException {
        int videoIndex = -1;
        for (int i = 0; i < context.nb_streams(); i++) {
            int type = context.streams(i).codecpar().codec_type();
            if (type == AVMEDIA_TYPE_VIDEO && videoIndex < 0) {
                videoIndex = i;
            } else if (type == AVMEDIA_TYPE_AUDIO && audioIndex < 0) {
                audioIndex = i;
            }
        }
        if (videoIndex < 0) {
            throw new IOException("the stream has no video");
        }
        AVStream video = context.streams(videoIndex);
        AVCodecParameters par = video.codecpar();
        AVRational rate = video.avg_frame_rate().num() > 0 ? video.avg_frame_rate() : video.r_frame_rate();
        double fps = rate.den() == 0 ? 0 : (double) rate.num() / rate.den();
        StreamInfo.AudioInfo audio = null;
        if (audioIndex >= 0) {
            AVStream a = context.streams(audioIndex);
            AVCodecParameters ap = a.codecpar();
            audio = new StreamInfo.AudioInfo(audioIndex, avcodec_get_name(ap.codec_id()).getString(), ap.codec_id(),
                    ap.sample_rate(), ap.ch_layout().nb_channels(), a.time_base().num(), a.time_base().den(),
                    copy(ap.extradata(), ap.extradata_size()));
        }
        return new StreamInfo(generation, videoIndex, avcodec_get_name(par.codec_id()).getString(), par.codec_id(),
                par.width(), par.height(), fps, video.time_base().num(), video.time_base().den(),
                copy(par.extradata(), par.extradata_size()), audio);
    }

    @Override
    public EncodedPacket read() throws IOException {
        while (true) {
            interrupt.arm(options.readTimeout());
            int ret = av_read_frame(context, packet);
            if (ret == AVERROR_EOF()) {
                if (!options.loop()) {
                    return null;
                }
                rewind();
                continue;
            }
            if (ret < 0) {
                throw failure("stream read failed", ret);
            }
            try {
                int index = packet.stream_index();
                if (index != info.videoStreamIndex() && index != audioIndex) {
                    continue;
                }
                if (options.maxPacketBytes() > 0 && packet.size() > options.maxPacketBytes()) {
                    // a camera (or something posing as one) must not make us copy and queue huge frames
                    oversizedDropped.run();
                    if (!warnedOversized) {
                        warnedOversized = true; // once per connection: a camera sending only such frames would flood the log
                        LOG.warn("camera {}: dropping packets over lenswire.ingest.max-packet-size ({} bytes); this one had {} bytes",
                                cameraId, options.maxPacketBytes(), packet.size());
                    }
                    continue;
                }
                return copyPacket(index);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private EncodedPacket copyPacket(int index) throws IOException {
        AVRational timeBase = context.streams(index).time_base();
        long offset = loopOffsetMicros == 0 ? 0 : fromMicros(loopOffsetMicros, timeBase);
        long pts = packet.pts() == AV_NOPTS_VALUE ? EncodedPacket.NO_TIMESTAMP : packet.pts() + offset;
        long dts = packet.dts() == AV_NOPTS_VALUE ? EncodedPacket.NO_TIMESTAMP : packet.dts() + offset;
        if (options.loop() || options.realtime()) {
            trackFiniteSource(pts, dts, packet.duration(), timeBase);
        }
        byte[] data = copy(packet.data(), packet.size());
        boolean video = index == info.videoStreamIndex();
        return new EncodedPacket(cameraId, info, index, video, (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                pts, dts, packet.duration(), data, System.nanoTime());
    }

    /** Remembers where the clip ends (for the next loop) and sleeps to keep real-time pace. */
    private void trackFiniteSource(long pts, long dts, long duration, AVRational timeBase) throws IOException {
        long ts = dts != EncodedPacket.NO_TIMESTAMP ? dts : pts;
        if (ts == EncodedPacket.NO_TIMESTAMP) {
            return;
        }
        long micros = toMicros(ts, timeBase);
        lastEndMicros = Math.max(lastEndMicros, micros + toMicros(Math.max(duration, 0), timeBase));
        if (firstDtsMicros == Long.MIN_VALUE) {
            firstDtsMicros = micros;
        }
        if (options.realtime()) {
            long due = paceStartNanos + (micros - firstDtsMicros) * 1000;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (aborted) {
                    throw new IOException("stopped");
                }
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    private void rewind() throws IOException {
        int ret = avformat_seek_file(context, -1, Long.MIN_VALUE, 0, Long.MAX_VALUE, 0);
        if (ret < 0) {
            throw failure("could not loop the source", ret);
        }
        loopOffsetMicros = lastEndMicros - Math.max(0, firstDtsMicros);
    }

    @Override
    public void abort() {
        aborted = true;
        SourceInterrupts.Deadline d = interrupt;
        if (d != null) {
            d.abort();
        }
    }

    @Override
    public void close() {
        abort();
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (context != null) {
            avformat_close_input(context);
            context = null;
        }
        if (interrupt != null) {
            interrupt.close(); // after the context: its close may still poll the callback
            interrupt = null;
        }
        if (tlsRelay != null) {
            tlsRelay.close();
            tlsRelay = null;
        }
    }

    private IOException failure(String what, int code) {
        if (aborted) {
            return new IOException("stopped");
        }
        RedirectGuard guard = redirects;
        if (guard != null && guard.refusal != null) {
            return new IOException(what + ": " + guard.refusal);
        }
        TlsRelay relay = tlsRelay;
        if (relay != null && relay.failure() != null) {
            return new IOException(what + ": TLS to the camera failed (" + relay.failure() + ")");
        }
        if (interrupt.expired() || silentForReadTimeout()) {
            return new IOException(what + ": timed out (no answer)");
        }
        return new IOException(what + ": " + LibavErrors.text(code));
    }

    /** libavformat reports a socket timeout during the RTSP handshake as "invalid data"; say what it was. */
    private boolean silentForReadTimeout() {
        return info == null && System.nanoTime() - openStartedNanos >= options.readTimeout().toNanos() - 50_000_000L;
    }


    private static byte[] copy(BytePointer data, int size) {
        byte[] bytes = new byte[Math.max(size, 0)];
        if (size > 0 && data != null && !data.isNull()) {
            data.position(0).get(bytes, 0, size);
        }
        return bytes;
    }

    private static long toMicros(long ts, AVRational tb) {
        return ts * MICROS_PER_SECOND * tb.num() / tb.den();
    }

    private static long fromMicros(long micros, AVRational tb) {
        return micros * tb.den() / (MICROS_PER_SECOND * tb.num());
    }


    private static String hostOf(String address) {
        try {
            return new java.net.URI(address).getHost();
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /**
     * libavformat's RTSP demuxer follows every 3xx answer to its Location, any host, any number of
     * times, and has no option to stop it. It stores the new address in the context's url before it
     * connects there, and polls the interrupt callback before it sends the new host a byte (the TCP
     * connect may already be under way): this guard, asked from the callback while the source
     * opens, ends the open when the url changed to another host (unless allowed) or to a host no
     * camera may be. The new host's name has been looked up by then.
     */
    private static final class RedirectGuard {
        private final AVFormatContext context;
        private final String host;
        private final boolean otherHostsAllowed;
        private long seenUrl;
        volatile String refusal;

        RedirectGuard(AVFormatContext context, String host, boolean otherHostsAllowed) {
            this.context = context;
            this.host = host;
            this.otherHostsAllowed = otherHostsAllowed;
        }

        /** True when the open must end; called on the owner thread, inside libavformat. */
        boolean refused() {
            if (refusal != null) {
                return true;
            }
            BytePointer current = context.url();
            if (current == null || current.isNull() || current.address() == seenUrl) {
                return false;
            }
            seenUrl = current.address(); // avformat_open_input's own copy first, a redirect's target later
            String target = hostOf(current.getString());
            if (target == null) {
                refusal = NOT_ALLOWED + ": the camera redirected to an address without a host";
            } else if (CameraHosts.refusal(target) != null) {
                refusal = NOT_ALLOWED + ": the camera redirected to " + CameraHosts.refusal(target);
            } else if (!target.equalsIgnoreCase(host)) {
                if (!otherHostsAllowed) {
                    refusal = NOT_ALLOWED + ": the camera redirected to another host"
                            + " (lenswire.ingest.allow-redirects-to-other-hosts is false)";
                } else {
                    // an allowed other host by name: what it resolves to must be allowed too
                    CameraHosts.resolvedRefusal(target).ifPresent(why -> refusal = NOT_ALLOWED + ": the camera redirected to a host that " + why);
                }
            }
            return refusal != null;
        }
    }
}
