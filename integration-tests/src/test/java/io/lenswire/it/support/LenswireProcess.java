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
    private final Path jar;
    private Process process;
    private final Api api;

    private LenswireProcess(Path jar, String name, List<String> extraArgs) throws IOException {
        this.jar = jar;
        this.port = Ports.free();
        this.dataDir = TestPaths.scratch("lenswire-it-" + name + "-");
        this.log = TestPaths.target().resolve("lenswire-" + name + "-" + port + ".log");
        this.extraArgs = extraArgs;
        this.api = new Api("http://127.0.0.1:" + port, API_KEY);
    }

    /**
     * Starts the server and waits until its health endpoint answers. Arguments starting with
     * {@code -D} or {@code -XX:} are JVM options (placed before {@code -jar}); the others are the
     * program's ({@code --key=value}).
     */
    public static LenswireProcess start(String name, String... extraArgs) {
        return start(TestPaths.jar(), name, extraArgs);
    }

    /** As {@link #start(String, String...)}, from another build of the server (e.g. the fat jar). */
    public static LenswireProcess start(Path jar, String name, String... extraArgs) {
        LenswireProcess app;
        try {
            app = new LenswireProcess(jar, name, List.of(extraArgs));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            app.start();
            return app;
        } catch (IOException e) {
            app.stop();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            // the caller never gets the process to close: do not leave it running
            app.stop();
            throw e;
        }
    }

    private static boolean isJvmOption(String arg) {
        return arg.startsWith("-D") || arg.startsWith("-XX:");
    }

    public synchronized void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a heap committed and touched up front: RSS growth in leak tests is then native memory
                "-Xms768m", "-Xmx768m", "-XX:+AlwaysPreTouch"));
        extraArgs.stream().filter(LenswireProcess::isJvmOption).forEach(command::add);
        command.addAll(List.of("-jar", jar.toString(),
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
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--server.tomcat.basedir="))) {
            // Tomcat's work dir beside the data dir (not in it: tests walk that), not left in the
            // system's temporary directory
            command.add("--server.tomcat.basedir=" + dataDir.resolveSibling(dataDir.getFileName() + "-tomcat"));
        }
        extraArgs.stream().filter(a -> !isJvmOption(a)).forEach(command::add);
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
            // generous: on a 2-core machine shared with other test runs, a start has taken over 90 s
            Wait.until("Lenswire to answer on port " + port, Duration.ofSeconds(180), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("Lenswire exited with " + p.exitValue() + "; see " + log);
                }
                return api.getStatusCode("/api/stream/health") == 200;
            });
        } catch (AssertionError e) {
            stop(); // the caller gets no handle to close: never leave the process running
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

    /**
     * Kills the server at once (SIGKILL), as a crash or power cut would: no shutdown hook runs. The
     * data dir stays; {@link #start()} starts it again on the same port and data.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Lenswire " + process.pid() + " survived SIGKILL");
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
