package io.lenswire.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * An RTSPS front for the plain test RTSP server, as a camera with TLS would be: TLS on its own
 * loopback port with a certificate made by {@code keytool} for {@code localhost} (self-signed), each
 * accepted connection relayed in plain TCP to the RTSP server.
 */
public final class TlsFront implements AutoCloseable {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private final SSLServerSocket server;
    private final int backendPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Path certificatePem;

    private TlsFront(Path keystore, Path certificatePem, int backendPort) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        this.server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.backendPort = backendPort;
        this.certificatePem = certificatePem;
        Thread accept = new Thread(this::acceptLoop, "tls-front-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A front with a new self-signed certificate for {@code localhost} (files under {@code dir/name.*}). */
    public static TlsFront start(Path dir, String name, int backendPort) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve(name + ".p12");
            Path pem = dir.resolve(name + ".pem");
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(pem);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "camera", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit");
            run(keytool, "-exportcert", "-rfc", "-alias", "camera", "-keystore", keystore.toString(), "-storepass", "changeit",
                    "-file", pem.toString());
            return new TlsFront(keystore, pem, backendPort);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the TLS front", e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The self-signed certificate as PEM: a CA file that trusts this front. */
    public Path certificatePem() {
        return certificatePem;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                sockets.add(client);
                sockets.add(backend);
                pump(client, backend);
                pump(backend, client);
            } catch (IOException e) {
                // closed, or a client that failed its handshake: go on accepting until closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-front-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TlsFront::closeQuietly);
    }
}
