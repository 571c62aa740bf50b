package io.lenswire.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real GStreamer RTSP server (src/test/testbed/rtsp_server.py) on a free loopback port. Its
 * event lines tell how many RTSP clients are connected, which is how tests prove single ingest.
 * Can be killed and started again on the same port to test reconnects.
 *
 * <p>GStreamer's RTSP server (1.22) aborts now and then on a race between clients joining one shared
 * stream at the same moment ({@code gst_rtsp_media_get_rates: assertion failed}, seen with three
 * cameras connecting at once on a loaded machine). That is the test server's bug, not the code
 * under test: when the process dies of exactly that, it is started again on the same port (the
 * cameras reconnect, as they would to a real camera that rebooted) and the restart is printed.
 */
public final class RtspServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final List<String> mounts;
    private final String auth;
    private final Path log;
    private Process process;
    /** Set by {@link #kill} and {@link #close}: the process ending then is wanted. */
    private boolean stopping;
    private final Map<Integer, Boolean> clients = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private RtspServer(int port, List<String> mounts, String auth) {
        this.port = port;
        this.mounts = mounts;
        this.auth = auth;
        this.log = TestPaths.target().resolve("rtsp-server-" + port + ".log");
    }

    /** mounts like {@code "/cam=h264"}; auth like {@code "user:password"} or null. */
    public static RtspServer start(String auth, String... mounts) {
        RtspServer server = new RtspServer(Ports.free(), List.of(mounts), auth);
        server.start();
        return server;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        stopping = false;
        clients.clear();
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", TestPaths.testbed().resolve("rtsp_server.py").toString(),
                "--port", Integer.toString(port)));
        for (String m : mounts) {
            command.add("--mount");
            command.add(m);
        }
        if (auth != null) {
            command.add("--auth");
            command.add(auth);
        }
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the RTSP server (is python3-gi installed?)", e);
        }
        Process p = process;
        Thread reader = new Thread(() -> readEvents(p), "rtsp-events-" + port);
        reader.setDaemon(true);
        reader.start();
        Wait.until("RTSP server ready on " + port, Duration.ofSeconds(20),
                () -> events.stream().anyMatch(e -> "ready".equals(e.path("event").asText()) && e.path("pid").asLong() == p.pid() && p.isAlive()));
    }

    private void readEvents(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode event = JSON.readTree(line);
                events.add(event);
                switch (event.path("event").asText()) {
                    case "client_connected" -> clients.put(event.path("client").asInt(), true);
                    case "client_closed" -> clients.remove(event.path("client").asInt());
                    default -> { }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        restartAfterKnownCrash(p);
    }

    private static final String KNOWN_CRASH = "gst_rtsp_media_get_rates: assertion failed";

    private void restartAfterKnownCrash(Process ended) {
        try {
            ended.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) {
            if (stopping || ended != process) {
                return;
            }
            String tail;
            try {
                tail = Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return;
            }
            if (!tail.contains(KNOWN_CRASH) || tail.lastIndexOf(KNOWN_CRASH) < restartedAt) {
                return;
            }
            restartedAt = tail.length();
            System.out.printf("RTSP test server on %d died of GStreamer's shared-media race (%s); starting it again%n", port, KNOWN_CRASH);
            start();
        }
    }

    /** The log's length when the last known crash was handled: only a newer one restarts. */
    private int restartedAt;

    /** Kills the server process at once, as a crash or power loss would. */
    public synchronized void kill() {
        stopping = true;
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.clear();
    }

    public String url(String mount) {
        return "rtsp://127.0.0.1:" + port + mount;
    }

    public String url(String credentials, String mount) {
        return "rtsp://" + credentials + "@127.0.0.1:" + port + mount;
    }

    public int port() {
        return port;
    }

    /** RTSP clients connected right now. */
    public int connectedClients() {
        return clients.size();
    }

    /** RTSP clients connected right now that asked for this mount (DESCRIBE). */
    public long connectedClients(String mount) {
        return events.stream().filter(e -> "describe".equals(e.path("event").asText()) && mount.equals(e.path("path").asText()))
                .map(e -> e.path("client").asInt()).distinct().filter(clients::containsKey).count();
    }

    /** DESCRIBE requests seen for a mount since this server (re)started or was created. */
    public long describes(String mount) {
        return events.stream().filter(e -> "describe".equals(e.path("event").asText()) && mount.equals(e.path("path").asText())).count();
    }

    @Override
    public synchronized void close() {
        stopping = true;
        if (process != null) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.flush();
            } catch (IOException ignored) {
                // closing stdin asks the server to stop
            }
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
