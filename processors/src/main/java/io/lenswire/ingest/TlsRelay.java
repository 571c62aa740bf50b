package io.lenswire.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS side of one {@code rtsps://} camera connection, done by Java so that the camera's
 * certificate is verified. libavformat's RTSP demuxer opens its {@code tls://} connection with no
 * options (rtsp.c passes none, and only {@code ?timeout=} in the lower URL), so its TLS never checks
 * a certificate. Instead libavformat is given {@code rtsp://127.0.0.1:<port>/...}: this relay accepts
 * that one connection on loopback, opens TLS to the camera with hostname verification against the
 * configured trust, and copies bytes both ways (RTSP with interleaved RTP: one TCP connection).
 *
 * <p>Owner: the {@link LibavPacketSource} that started it, which closes it with its context. Its
 * two threads end when either side closes or on {@link #close()}.
 */
final class TlsRelay implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TlsRelay.class);
    private static final int RTSPS_DEFAULT_PORT = 322;

    private final String cameraId;
    private final String host;
    private final int port;
    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final ServerSocket listener;
    private final Thread accepting;
    private volatile Socket local;
    private volatile SSLSocket remote;
    private volatile String failure;
    private volatile boolean closed;

    private TlsRelay(String cameraId, String host, int port, SSLSocketFactory tls, Duration connectTimeout) throws IOException {
        this.cameraId = cameraId;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.accepting = new Thread(this::run, "tls-relay-" + cameraId);
        this.accepting.setDaemon(true);
    }

    /** Starts a relay for an {@code rtsps://} address; {@link #localUrl(String)} is what libavformat opens. */
    static TlsRelay start(String cameraId, String rtspsUrl, SSLSocketFactory tls, Duration connectTimeout) throws IOException {
        URI uri = parse(rtspsUrl);
        TlsRelay relay = new TlsRelay(cameraId, uri.getHost(), uri.getPort() < 0 ? RTSPS_DEFAULT_PORT : uri.getPort(), tls, connectTimeout);
        relay.accepting.start();
        return relay;
    }

    /** The same address as plain {@code rtsp://} on this relay's loopback port (credentials and path kept). */
    String localUrl(String rtspsUrl) {
        URI uri = parse(rtspsUrl);
        StringBuilder out = new StringBuilder("rtsp://");
        if (uri.getRawUserInfo() != null) {
            out.append(uri.getRawUserInfo()).append('@');
        }
        out.append("127.0.0.1:").append(listener.getLocalPort());
        out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            out.append('?').append(uri.getRawQuery());
        }
        return out.toString();
    }

    /** Why the TLS side failed (certificate, handshake, connect), or null; for the log, never the API. */
    String failure() {
        return failure;
    }

    static boolean isRtsps(String url) {
        return url.regionMatches(true, 0, "rtsps://", 0, 8);
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in the camera address");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid camera address", e);
        }
    }

    private void run() {
        try {
            listener.setSoTimeout((int) Math.max(1, connectTimeout.toMillis()));
            Socket accepted = listener.accept(); // libavformat's one connection
            local = accepted;
            listener.close();
            SSLSocket tlsSocket = (SSLSocket) tls.createSocket();
            remote = tlsSocket;
            SSLParameters parameters = tlsSocket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            tlsSocket.setSSLParameters(parameters);
            tlsSocket.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            tlsSocket.setSoTimeout((int) Math.max(1, connectTimeout.toMillis()));
            tlsSocket.startHandshake();
            tlsSocket.setSoTimeout(0); // libavformat's own read timeout governs from here
            Thread back = new Thread(() -> pump(tlsSocket, accepted), "tls-relay-" + cameraId + "-in");
            back.setDaemon(true);
            back.start();
            pump(accepted, tlsSocket);
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.debug("camera {}: TLS to the camera failed: {}", cameraId, failure); // the source logs it at WARN
            }
            close();
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed: the other side learns it when its socket closes below
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        closeQuietly(local);
        closeQuietly(remote);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
    }
}
