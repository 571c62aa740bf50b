package io.lenswire.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built server jar run as its own process (black box), with its log in target/. Restartable on
 * the same port and data dir. Thread and file-descriptor counts come from /proc.
 */
public final class LenswireProcess implements AutoCloseable {

    public static final String API_KEY = "it-test-key-0123456789";

    private final int port;
    private final Path dataDir;
    private final Path log;
    private final List<String> extraArgs;
    private Process process;
    private final Api api;

    private LenswireProcess(String name, List<String> extraArgs) throws IOException {
        this.port = Ports.free();
        this.dataDir = Files.createTempDirectory("lenswire-it-" + name + "-");
        this.log = TestPaths.target().resolve("lenswire-" + name + "-" + port + ".log");
        this.extraArgs = extraArgs;
        this.api = new Api("http://127.0.0.1:" + port, API_KEY);
    }

    /** Starts the server and waits until its health endpoint answers. */
    public static LenswireProcess start(String name, String... extraArgs) {
        try {
            LenswireProcess app = new LenswireProcess(name, List.of(extraArgs));
            app.start();
            return app;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a heap committed and touched up front: RSS growth in leak tests is then native memory
                "-Xms768m", "-Xmx768m", "-XX:+AlwaysPreTouch", "-jar", TestPaths.jar().toString(),
                "--server.port=" + port,
                "--lenswire.data-dir=" + dataDir,
                "--lenswire.security.api-keys[0]=" + API_KEY,
                // fast reconnects keep the tests short; production defaults are in application.yaml
                "--lenswire.ingest.reconnect-initial-delay=200ms",
                "--lenswire.ingest.reconnect-max-delay=2s"));
        Path models = Path.of(System.getProperty("lenswire.shared", "../../shared"), "models").toAbsolutePath().normalize();
        // a repeated flag would be joined with a comma by Spring, so only when the test sets none
        if (Files.isDirectory(models) && extraArgs.stream().noneMatch(a -> a.startsWith("--lenswire.analytics.models-dir="))) {
            command.add("--lenswire.analytics.models-dir=" + models);
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        // as docs/operations.md recommends: few glibc arenas, so per-camera threads' native
        // allocations (FFmpeg, OpenCV) are reused instead of stranded in per-thread arenas
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        process = builder
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Process p = process;
        try {
            // -Dlenswire.it.start-seconds: more on a machine busy with other builds (benchmarks use it)
            Wait.until("Lenswire to answer on port " + port, Duration.ofSeconds(Long.getLong("lenswire.it.start-seconds", 90)), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("Lenswire exited with " + p.exitValue() + "; see " + log);
                }
                return api.getStatusCode("/api/stream/health") == 200;
            });
        } catch (AssertionError e) {
            // the caller gets no handle to close: do not leave a server starting in the background
            p.destroyForcibly();
            process = null;
            throw e;
        }
    }

    /** Graceful stop (SIGTERM), as an operator's restart would do. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void restart() throws IOException {
        stop();
        start();
    }

    public Api api() {
        return api;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Live threads of the server JVM. */
    public int threads() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                    .filter(l -> l.startsWith("Threads:")).mapToInt(l -> Integer.parseInt(l.substring(8).strip()))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Open file descriptors (files, sockets, pipes) of the server process. */
    public int openFiles() {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resident memory in kB. */
    public long rssKb() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
