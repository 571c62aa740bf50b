package io.lenswire.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server that accepts and never answers a whole line: silent, or trickling one byte per
 * interval, which keeps a socket read timeout from ever firing. Closing it ends every connection.
 */
final class HungServer implements AutoCloseable {

    private final ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Duration trickle;

    /** {@code trickle} null: silent. */
    HungServer(Duration trickle) throws IOException {
        this.trickle = trickle;
        Thread acceptor = new Thread(this::accept, "hung-server");
        acceptor.setDaemon(true);
        acceptor.start();
        if (trickle != null) {
            Thread writer = new Thread(this::trickle, "hung-server-trickle");
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                sockets.add(server.accept());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void trickle() {
        while (!server.isClosed()) {
            for (Socket s : sockets) {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write('R');
                    out.flush();
                } catch (IOException e) {
                    sockets.remove(s);
                }
            }
            try {
                Thread.sleep(trickle.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    String url(String path) {
        return "rtsp://127.0.0.1:" + server.getLocalPort() + path;
    }

    int accepted() {
        return sockets.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
