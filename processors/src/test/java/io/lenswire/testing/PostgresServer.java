package io.lenswire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package, which the test command installs)
 * for the tests: a fresh cluster under a temporary directory, on a free loopback port, run as an
 * unprivileged user ({@code nobody} when the tests run as root: PostgreSQL refuses root), stopped
 * and deleted by {@link #close}. Each {@link #newDatabase} is a new, empty database.
 */
public final class PostgresServer implements AutoCloseable {

    /** Where the server programs are, if not in Debian's place ({@code /usr/lib/postgresql/<major>/bin}). */
    public static final String BIN_PROPERTY = "lenswire.postgres.bin";
    private static final String SUPERUSER = "lenswire";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asNobody;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path dir, Path bin, int port, boolean asNobody) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asNobody = asNobody;
    }

    /** Creates a cluster and starts it; fails with the server's log when it cannot. */
    public static PostgresServer start() {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("lenswire-pg");
            if (root) {
                giveToNobody(dir);
            }
            PostgresServer server = new PostgresServer(dir, bin, freePort(), root);
            server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", SUPERUSER,
                    "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"));
            server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", server.data().toString(), "-l", dir.resolve("server.log").toString(),
                    "-w", "-t", "30", "-o", "-p " + server.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new empty database's JDBC URL (user {@value #SUPERUSER}, no password: trust on loopback). */
    public String newDatabase() {
        String name = "test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    public String user() {
        return SUPERUSER;
    }

    public int port() {
        return port;
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private Path data() {
        return dir.resolve("data");
    }

    @Override
    public void close() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
        } finally {
            deleteTree(dir);
        }
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        full.addAll(command);
        Path log = dir.resolve("command.log");
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                Path serverLog = dir.resolve("server.log");
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "):\n"
                        + Files.readString(log) + (Files.exists(serverLog) ? Files.readString(serverLog) : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest installed major version's programs, or {@value #BIN_PROPERTY}. */
    private static Path binaries() {
        String configured = System.getProperty(BIN_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + debian
                            + ": install Debian's postgresql package (scripts/test-all.sh does) or set -D" + BIN_PROPERTY));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server under " + debian
                    + ": install Debian's postgresql package (scripts/test-all.sh does) or set -D" + BIN_PROPERTY, e);
        }
    }

    private static void giveToNobody(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("nobody"));
        GroupPrincipal group = users.lookupPrincipalByGroupName("nogroup");
        view.setGroup(group);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
