package io.lenswire.ingest;

import java.time.Duration;

/**
 * How to open one camera.
 *
 * @param loop                   restart a finite source (a file) at its end, with timestamps that keep rising
 * @param realtime               pace a file source at its own frame rate instead of reading it as fast as possible
 * @param maxPacketBytes         a packet (an encoded frame) larger than this is dropped before it is copied out
 *                               of libavformat, and counted; 0: no limit
 * @param redirectsToOtherHosts  follow an RTSP redirect (3xx) to a host other than the camera's own
 * @param tlsVerifier            for rtsps:// addresses: the TLS connection is made by Java through this
 *                               factory, verifying the camera's certificate and host name ({@link TlsRelay});
 *                               null: libavformat's own TLS, which verifies nothing
 */
public record SourceOptions(
        String transport,
        Duration connectTimeout,
        Duration readTimeout,
        boolean loop,
        boolean realtime,
        int maxPacketBytes,
        boolean redirectsToOtherHosts,
        javax.net.ssl.SSLSocketFactory tlsVerifier) {

    /** The protocols libavformat may use for a network camera, redirects and nested opens included. */
    public static final String NETWORK_PROTOCOLS = "rtsp,rtsps,tcp,udp,rtp,tls";
    /** The protocols for a local file (the demo clip, and files in tests). */
    public static final String FILE_PROTOCOLS = "file";

    public SourceOptions(String transport, Duration connectTimeout, Duration readTimeout, boolean loop, boolean realtime) {
        this(transport, connectTimeout, readTimeout, loop, realtime, 0, false, null);
    }

    public SourceOptions(String transport, Duration connectTimeout, Duration readTimeout, boolean loop, boolean realtime,
                         int maxPacketBytes, boolean redirectsToOtherHosts) {
        this(transport, connectTimeout, readTimeout, loop, realtime, maxPacketBytes, redirectsToOtherHosts, null);
    }

    /**
     * libavformat's {@code protocol_whitelist} for an address: a local path (which only the demo
     * camera resolves to; the API and the configuration accept rtsp:// and rtsps:// only) may read
     * files and nothing else, every other address may use the network protocols and no file,
     * pipe, concat, subfile, data or http.
     */
    public static String protocolsFor(String address) {
        return address.startsWith("/") ? FILE_PROTOCOLS : NETWORK_PROTOCOLS;
    }
}
