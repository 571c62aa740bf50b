package io.lenswire.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A standalone ZooKeeper server from Debian's {@code zookeeper} package (the test command installs
 * it), on a free port with its data in a temporary directory, deleted on close. Its tick is 250 ms,
 * so sessions may be as short as 0.5 s and a killed node's session expires within the timeout its
 * client asked for.
 */
public final class ZooKeeperServer implements AutoCloseable {

    public static final Path JAR = Path.of("/usr/share/java/zookeeper.jar");

    private final int port;
    private final Path dir;
    private final Process process;

    private ZooKeeperServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    public static ZooKeeperServer start() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: install Debian's zookeeper package (scripts/test-all.sh does)");
        }
        int port = Ports.free();
        try {
            Path dir = Files.createTempDirectory("lenswire-zookeeper-");
            Path log = TestPaths.target().resolve("zookeeper-" + port + ".log");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.4lw.commands.whitelist=ruok,srvr",
                    "-cp", JAR.toString(), "org.apache.zookeeper.server.ZooKeeperServerMain",
                    Integer.toString(port), dir.resolve("data").toString(), "250")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ZooKeeperServer server = new ZooKeeperServer(port, dir, process);
            try {
                Wait.until("ZooKeeper on " + port, Duration.ofSeconds(30), () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("ZooKeeper exited with " + process.exitValue() + "; see " + log);
                    }
                    return "imok".equals(fourLetterWord(port, "ruok"));
                });
            } catch (AssertionError e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start ZooKeeper", e);
        }
    }

    private static String fourLetterWord(int port, String word) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The connect string, e.g. 127.0.0.1:40123. */
    public String connect() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
