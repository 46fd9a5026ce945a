package dev.junction.cluster;

import dev.junction.cluster.internal.AdminStatements;
import dev.junction.cluster.internal.Command;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One PostgreSQL server of a local cluster: its data directory, its loopback port and its process.
 * Connections made through {@link #connect()} use the {@code postgres} superuser with trust authentication,
 * which is what a throw-away test cluster on loopback wants.
 */
public final class PostgresNode {
    static final String SUPERUSER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final int port;
    private final Path dataDirectory;
    private final PostgresBinaries binaries;
    private final ServerAccount account;
    private volatile ServerProcess process;

    PostgresNode(String name, int port, Path dataDirectory, PostgresBinaries binaries, ServerAccount account) {
        this.name = name;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.binaries = binaries;
        this.account = account;
    }

    /** {@code initdb} into this node's (empty) data directory, fast and unsynced: a test cluster needs no durability. */
    void initialize() {
        requireReachableByServer();
        account.ownedDirectory(dataDirectory);
        List<String> initdb = List.of(
                binaries.executable("initdb").toString(),
                "-D",
                dataDirectory.toString(),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions");
        Command.run(account.command(initdb), Map.of("LC_ALL", "C"), dataDirectory.getParent(), Duration.ofMinutes(2));
        appendToFile("postgresql.conf", "\ninclude 'junction.conf'\n");
    }

    /**
     * {@code pg_rewind} of this stopped node's data directory to {@code source}'s timeline, over a connection to the
     * running {@code source}: what turns a former primary into a standby of the node promoted in its place. The
     * configuration files come along from the source, so the caller writes this node's own settings afterwards.
     */
    void rewindFrom(PostgresNode source) {
        requireReachableByServer();
        if (isRunning()) {
            throw new ClusterException(this + " must be stopped before pg_rewind");
        }
        Command.run(
                account.command(List.of(
                        binaries.executable("pg_rewind").toString(),
                        "-D",
                        dataDirectory.toString(),
                        "--source-server=host=" + source.host() + " port=" + source.port() + " user=" + SUPERUSER
                                + " dbname=postgres")),
                Map.of("LC_ALL", "C"),
                dataDirectory.getParent(),
                Duration.ofMinutes(2));
    }

    /** Makes this node's data directory a file-level copy of {@code source}'s, which must be stopped. */
    void copyDataFrom(PostgresNode source) {
        requireReachableByServer();
        account.ownedDirectory(dataDirectory);
        Command.run(
                account.command(List.of("cp", "-a", source.dataDirectory + "/.", dataDirectory.toString())),
                Map.of(),
                null,
                Duration.ofMinutes(2));
        try {
            Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new ClusterException(
                    "Could not clean the copied data directory of " + this + ": " + e.getMessage(), e);
        }
    }

    private void requireReachableByServer() {
        account.requireReachable(binaries.binDirectory());
        account.requireReachable(dataDirectory.getParent());
    }

    /** (Re)writes {@code junction.conf}, the settings this project controls, read after postgresql.conf. */
    void writeSettings(List<String> settings) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by Junction's cluster module; ALTER SYSTEM settings in postgresql.auto.conf still win.");
        lines.add("listen_addresses = '127.0.0.1'");
        lines.add("port = " + port);
        // TCP only: a socket file in the data directory would break pg_rewind, which copies every file there
        lines.add("unix_socket_directories = ''");
        lines.add("cluster_name = '" + name + "'");
        lines.addAll(settings);
        writeFile("junction.conf", String.join("\n", lines) + "\n");
    }

    void writeFile(String relativePath, String content) {
        Path file = dataDirectory.resolve(relativePath);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            account.ownRecursively(file);
        } catch (IOException e) {
            throw new ClusterException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private void appendToFile(String relativePath, String content) {
        Path file = dataDirectory.resolve(relativePath);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ClusterException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts the server (the PID is the postmaster's own) without waiting for it to accept connections. */
    void launch() {
        if (process != null && process.isAlive()) {
            throw new ClusterException(this + " is already running as " + process);
        }
        Path log = dataDirectory.resolveSibling(name + ".log");
        List<String> postgres = List.of(binaries.executable("postgres").toString(), "-D", dataDirectory.toString());
        Process started = Command.start(account.command(postgres), Map.of("LC_ALL", "C"), log);
        process = new ServerProcess("postgres " + name + " :" + port, started.pid(), log, "INT");
    }

    /** Waits until the server accepts connections; fails with the log's tail if it died or never did. */
    void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ClusterException(
                        this + " exited during start-up. Log " + process.logFile() + ":\n" + process.logTail());
            }
            try (Connection ignored = connect()) {
                return;
            } catch (SQLException e) {
                last = e;
                Pause.of(Duration.ofMillis(20));
            }
        }
        throw new ClusterException(this + " did not accept connections within " + START_TIMEOUT + " (last error: "
                + (last == null ? "none" : last.getMessage()) + "). Log " + process.logFile() + ":\n"
                + process.logTail());
    }

    /** Starts a stopped node again and waits until it accepts connections. */
    public void start() {
        launch();
        awaitReady();
    }

    /** Fast shutdown by PID (SIGINT), SIGKILL after 30 s. */
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    /** SIGKILL to the server and every process it forked at once: a machine failure ({@link ServerProcess#crash}). */
    public void crash() {
        if (process != null) {
            process.crash();
        }
    }

    /** {@code kill -9} of the postmaster: a crash, as a failover test needs it. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGSTOP to the postmaster and every backend: the node keeps its port and answers nothing (a hung machine). */
    public void suspend() {
        if (process != null) {
            process.suspend();
        }
    }

    /** SIGCONT after {@link #suspend()}. */
    public void resume() {
        if (process != null) {
            process.resume();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A new connection as the superuser to database {@code postgres}. */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        properties.setProperty("ApplicationName", "junction-cluster");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Runs one statement and returns the first column of the first row as text (null if no row). */
    public String queryString(String sql) {
        return AdminStatements.queryString(this, this::connect, sql);
    }

    /** Runs statements in autocommit, in order. */
    public void execute(String... sqls) {
        AdminStatements.execute(this, this::connect, sqls);
    }

    /** What the server says it is now, or UNREACHABLE; a hung (SIGSTOPped) server within 2 s. */
    public ServerRole role() {
        if (!isRunning()) {
            return ServerRole.UNREACHABLE;
        }
        Properties quick = new Properties();
        quick.setProperty("user", SUPERUSER);
        quick.setProperty("connectTimeout", "2");
        quick.setProperty("loginTimeout", "2");
        quick.setProperty("socketTimeout", "2");
        quick.setProperty("ApplicationName", "junction-cluster");
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), quick);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select pg_is_in_recovery()")) {
            rows.next();
            return rows.getBoolean(1) ? ServerRole.REPLICA : ServerRole.PRIMARY;
        } catch (SQLException e) {
            return ServerRole.UNREACHABLE;
        }
    }

    /**
     * The WAL position this node has: the current insert position on a primary, the last replayed one on a
     * standby. Comparable across nodes with {@link Lsn}.
     */
    public Lsn lsn() {
        return Lsn.parse(queryString(
                "select case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end"));
    }

    /** The last WAL position a standby has received (which may be ahead of what it has replayed). */
    public Lsn receiveLsn() {
        return Lsn.parse(queryString("select pg_last_wal_receive_lsn()"));
    }

    /** Stops WAL replay on this standby: it keeps receiving, but its data falls behind (lag injection). */
    public void pauseReplay() {
        queryString("select pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        queryString("select pg_wal_replay_resume()");
    }

    public boolean isReplayPaused() {
        return "t".equals(queryString("select pg_is_wal_replay_paused()"));
    }

    /** Promotes this standby and waits (up to 60 s) until it accepts writes. */
    public void promote() {
        String promoted = queryString("select pg_promote(true, 60)");
        if (!"t".equals(promoted)) {
            throw new ClusterException(this + " did not finish promotion within 60 s");
        }
    }

    /** Waits until this node has replayed {@code target}, or fails after {@code timeout}. */
    public void awaitReplay(Lsn target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Lsn replayed = lsn();
            if (replayed.compareTo(target) >= 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(
                        this + " replayed only up to " + replayed + ", not " + target + ", within " + timeout);
            }
            Pause.of(Duration.ofMillis(5));
        }
    }

    public String name() {
        return name;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** host:port, as a Junction URL lists it. */
    public String address() {
        return host() + ":" + port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The running process, or null before the first start. */
    public ServerProcess process() {
        return process;
    }

    @Override
    public String toString() {
        return "PostgreSQL node " + name + " (" + address() + ")";
    }
}
