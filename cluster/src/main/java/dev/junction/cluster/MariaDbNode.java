package dev.junction.cluster;

import dev.junction.cluster.internal.AdminStatements;
import dev.junction.cluster.internal.Command;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One MariaDB server of a local cluster: its directory (data, tmp, socket, pid file), its loopback port and
 * its process. The log ({@code <name>.log}, next to the node's directory) is the server's stderr.
 *
 * <p>Three accounts exist on every node, created with the system tables so that they never appear in the
 * binary log or in GTID positions:
 * <ul>
 *   <li>{@code root} with an empty password, used by {@link #connect()} and every control method;</li>
 *   <li>{@value #APPLICATION_USER} (password {@value #APPLICATION_PASSWORD}), what an application has: data and
 *       schema rights on every database and the right to read replication status, but neither SUPER nor
 *       READ_ONLY ADMIN, so {@code read_only} binds it as it binds a real application;</li>
 *   <li>{@value #PRIVILEGED_USER} (password {@value #PRIVILEGED_PASSWORD}), an application account granted
 *       {@code ALL PRIVILEGES ON *.*}, as many deployments do: on MariaDB 10.11 that includes READ_ONLY ADMIN
 *       and BINLOG ADMIN, so it can write on a {@code read_only} replica and turn {@code sql_log_bin} off.</li>
 * </ul>
 * Both connect to database {@value #DATABASE}, which exists, empty, on every node from the start.
 */
public final class MariaDbNode {
    /** An application's account: subject to {@code read_only}. */
    public static final String APPLICATION_USER = "junction";

    public static final String APPLICATION_PASSWORD = "junction";
    /** An application's account with {@code ALL PRIVILEGES}: {@code read_only} does not bind it. */
    public static final String PRIVILEGED_USER = "junction_all";

    public static final String PRIVILEGED_PASSWORD = "junction_all";
    /** The database every node has from the start and connections use by default. */
    public static final String DATABASE = "junction";

    static final String REPLICATION_USER = "replicator";
    static final String REPLICATION_PASSWORD = "replicator";
    private static final String ROOT_USER = "root";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    // Short, so that asking a hung (SIGSTOPped) server for its role answers UNREACHABLE quickly.
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final String name;
    private final int port;
    private final Path directory;
    private final MariaDbBinaries binaries;
    private final ServerAccount account;
    private final int serverId;
    private final int gtidDomainId;
    private final List<String> settings;
    private volatile ServerProcess process;

    /**
     * @param directory the node's own directory; it holds {@code data/}, {@code tmp/}, the socket and the pid file
     * @param settings  {@code --name=value} server options beyond the ones every node gets (paths, port, ids)
     */
    MariaDbNode(
            String name,
            int port,
            Path directory,
            MariaDbBinaries binaries,
            ServerAccount account,
            int serverId,
            int gtidDomainId,
            List<String> settings) {
        this.name = name;
        this.port = port;
        this.directory = directory;
        this.binaries = binaries;
        this.account = account;
        this.serverId = serverId;
        this.gtidDomainId = gtidDomainId;
        this.settings = List.copyOf(settings);
    }

    /**
     * Creates the system tables in this node's (empty) data directory, then runs {@code accountsSql} in the
     * same bootstrap, where nothing is binlogged. The storage options are the server's own, so that the redo
     * log is created at the size the server wants and its first start does not resize it.
     */
    void initialize(Path accountsSql) {
        prepareDirectories();
        List<String> command = new ArrayList<>(List.of(
                binaries.installDb().toString(),
                "--no-defaults",
                "--datadir=" + dataDirectory(),
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--extra-file=" + accountsSql,
                "--tmpdir=" + temporaryDirectory()));
        command.addAll(binaries.locationOptions());
        if (account.switchesUser()) {
            command.add("--user=" + account.name());
        }
        command.addAll(MariaDbCluster.STORAGE_SETTINGS);
        Command.run(command, Map.of(), directory, Duration.ofMinutes(2));
    }

    /** Deletes this node's data directory (the server stopped), so that {@link #initialize} can make a new one. */
    void wipeData() {
        if (isRunning()) {
            throw new ClusterException(this + " is running: stop it before wiping its data");
        }
        dev.junction.cluster.internal.TemporaryDirectories.deleteTree(dataDirectory());
    }

    /** Makes this node's data directory a file-level copy of {@code source}'s, which must be stopped. */
    void copyDataFrom(MariaDbNode source) {
        prepareDirectories();
        Command.run(
                account.command(List.of(
                        "cp",
                        "-a",
                        source.dataDirectory() + "/.",
                        dataDirectory().toString())),
                Map.of(),
                null,
                Duration.ofMinutes(2));
    }

    private void prepareDirectories() {
        account.ownedDirectory(directory);
        account.ownedDirectory(dataDirectory());
        account.ownedDirectory(temporaryDirectory());
    }

    /** Starts the server (mariadbd does not fork, so the PID is the server's) without waiting for it. */
    void launch() {
        if (isRunning()) {
            throw new ClusterException(this + " is already running as " + process);
        }
        Path log = logFile();
        Process started = Command.start(commandLine(), Map.of(), log);
        process = new ServerProcess("mariadbd " + name + " :" + port, started.pid(), log, "TERM");
    }

    private List<String> commandLine() {
        // --no-defaults must come first: mariadbd only honours it there, and a my.cnf of the machine's own
        // server (port 3306, /var/lib/mysql) must not leak into ours.
        List<String> command = new ArrayList<>(List.of(binaries.server().toString(), "--no-defaults"));
        command.addAll(binaries.locationOptions());
        command.addAll(List.of(
                "--datadir=" + dataDirectory(),
                "--tmpdir=" + temporaryDirectory(),
                "--socket=" + directory.resolve("mariadbd.sock"),
                "--pid-file=" + directory.resolve("mariadbd.pid"),
                "--port=" + port,
                "--bind-address=" + host(),
                "--report-host=" + host(),
                "--report-port=" + port,
                "--server-id=" + serverId,
                "--gtid-domain-id=" + gtidDomainId));
        if (account.switchesUser()) {
            command.add("--user=" + account.name());
        }
        command.addAll(settings);
        return command;
    }

    /** Waits until the server accepts connections; fails with the log's tail if it died or never did. */
    void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ClusterException(
                        this + " exited during start-up. Log " + logFile() + ":\n" + process.logTail());
            }
            try {
                connect(ROOT_USER, "", PROBE_TIMEOUT).close();
                return;
            } catch (SQLException e) {
                last = e;
                Pause.of(Duration.ofMillis(20));
            }
        }
        throw new ClusterException(this + " did not accept connections within " + START_TIMEOUT + " (last error: "
                + (last == null ? "none" : last.getMessage()) + "). Log " + logFile() + ":\n" + process.logTail());
    }

    /** Starts a stopped (or killed) node again on the same data directory and waits until it accepts connections. */
    public void start() {
        launch();
        awaitReady();
    }

    /** Graceful shutdown by PID (SIGTERM), SIGKILL after 30 s. */
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

    /** SIGKILL by PID: a crash. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGSTOP: the server keeps its port and answers nothing (a hung node). */
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

    /** A new connection as {@code root} to database {@value #DATABASE}. */
    public Connection connect() throws SQLException {
        return connect(ROOT_USER, "", SOCKET_TIMEOUT);
    }

    /** A new connection as {@value #APPLICATION_USER}, which {@code read_only} applies to. */
    public Connection connectAsApplicationUser() throws SQLException {
        return connect(APPLICATION_USER, APPLICATION_PASSWORD, SOCKET_TIMEOUT);
    }

    /** A new connection as {@value #PRIVILEGED_USER}, which can write even where {@code read_only} is on. */
    public Connection connectAsPrivilegedUser() throws SQLException {
        return connect(PRIVILEGED_USER, PRIVILEGED_PASSWORD, SOCKET_TIMEOUT);
    }

    private Connection connect(String user, String password, Duration socketTimeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5000");
        properties.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
        return DriverManager.getConnection(jdbcUrl(DATABASE), properties);
    }

    /** A Connector/J URL for this node; loopback needs no TLS, and no TLS needs public-key retrieval for sha2 accounts. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + address() + "/" + database + "?sslMode=DISABLED&allowPublicKeyRetrieval=true";
    }

    /** Runs one statement as root and returns the first column of the first row as text (null if no row). */
    public String queryString(String sql) {
        return AdminStatements.queryString(this, this::connect, sql);
    }

    /** Runs statements as root in autocommit, in order, on one connection. */
    public void execute(String... sqls) {
        AdminStatements.execute(this, this::connect, sqls);
    }

    /**
     * PRIMARY when {@code @@read_only} is off, REPLICA when on, UNREACHABLE when the server does not answer. A
     * replica started writable ({@link MariaDbCluster.PrimaryReplicaBuilder#replicaReadOnly(boolean)}) answers
     * PRIMARY: ask {@link MariaDbCluster#replicas()} which nodes replicate.
     */
    public ServerRole role() {
        if (!isRunning()) {
            return ServerRole.UNREACHABLE;
        }
        try (Connection connection = connect(ROOT_USER, "", PROBE_TIMEOUT);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT @@read_only")) {
            rows.next();
            return rows.getBoolean(1) ? ServerRole.REPLICA : ServerRole.PRIMARY;
        } catch (SQLException e) {
            return ServerRole.UNREACHABLE;
        }
    }

    /** Every GTID this node has applied, written or replicated ({@code @@gtid_current_pos}), e.g. {@code 0-1-42}. */
    public String gtidCurrentPos() {
        return queryString("SELECT @@gtid_current_pos");
    }

    /** The last GTID per domain in this node's binary log ({@code @@gtid_binlog_pos}). */
    public String gtidBinlogPos() {
        return queryString("SELECT @@gtid_binlog_pos");
    }

    /**
     * The last GTID of every (domain, server id) pair ever written to this node's binary log
     * ({@code @@gtid_binlog_state}), e.g. {@code 0-2-5,0-1-10}.
     */
    public String gtidBinlogState() {
        return queryString("SELECT @@gtid_binlog_state");
    }

    /**
     * The GTIDs in this node's {@link #gtidBinlogState() binlog state} that carry this node's own server id: the
     * last transaction this node executed itself, per domain, rather than applied from its source. On a replica
     * that list changes exactly when the replica commits a binlogged write of its own (a client's write, DDL,
     * {@code CREATE USER}…); events applied from the source keep the source's server id, also in this node's
     * binary log ({@code --log-slave-updates}). Empty when this node never wrote anything itself.
     *
     * <p>Why not {@code @@gtid_binlog_pos}: it keeps one GTID per domain, the last one logged. A replica that
     * writes in the source's domain 0 shows {@code 0-2-5} only until it applies the source's next transaction,
     * {@code 0-1-3}, which replaces it (sequence numbers need not grow without {@code gtid_strict_mode}); and
     * {@code @@gtid_binlog_pos != @@gtid_slave_pos} holds for the same short while. {@code @@gtid_binlog_state}
     * keeps the pair (0, 2) until {@code RESET MASTER}. A write with {@code sql_log_bin=0} is in no binary log
     * and so in no GTID: a test that must see those too needs a witness in the data (for instance a column
     * defaulting to {@code @@server_id}).
     */
    public List<String> ownBinlogGtids() {
        String state = gtidBinlogState();
        List<String> own = new ArrayList<>();
        if (state == null || state.isBlank()) {
            return own;
        }
        for (String gtid : state.split(",")) {
            String[] parts = gtid.strip().split("-");
            if (parts.length == 3 && Long.parseLong(parts[1]) == serverId) {
                own.add(gtid.strip());
            }
        }
        own.sort(null);
        return own;
    }

    /** The GTIDs this node's replication SQL thread has applied ({@code @@gtid_slave_pos}). */
    public String gtidSlavePos() {
        return queryString("SELECT @@gtid_slave_pos");
    }

    /** The {@code --gtid-domain-id} of the transactions written on this node. */
    public int gtidDomainId() {
        return gtidDomainId;
    }

    public int serverId() {
        return serverId;
    }

    /**
     * Waits until this node's replication has applied {@code gtidPos} ({@code MASTER_GTID_WAIT}); fails
     * after {@code timeout} with the replication status, which says why it did not.
     */
    public void awaitGtid(String gtidPos, Duration timeout) {
        String sql = "SELECT MASTER_GTID_WAIT(?, ?)";
        try (Connection connection = connect(ROOT_USER, "", timeout.plus(SOCKET_TIMEOUT));
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, gtidPos);
            statement.setDouble(2, timeout.toMillis() / 1000.0);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (rows.getInt(1) != 0) {
                    throw new ClusterException(this + " did not reach GTID position " + gtidPos + " within " + timeout
                            + "; it is at " + gtidSlavePos() + ". Replication status: " + replicationProblems());
                }
            }
        } catch (SQLException e) {
            throw new ClusterException(
                    this + " failed to wait for GTID position " + gtidPos + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replicates from {@code source} by GTID, from this node's {@code gtid_slave_pos} (empty at first, so
     * from the start of the source's binary log). Reconnects every second and sends heartbeats every second,
     * so that a restarted source is found again quickly.
     */
    void replicateFrom(MariaDbNode source) {
        execute(
                "CHANGE MASTER TO MASTER_HOST='" + source.host() + "', MASTER_PORT=" + source.port()
                        + ", MASTER_USER='" + REPLICATION_USER + "', MASTER_PASSWORD='" + REPLICATION_PASSWORD + "'"
                        + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1",
                "START SLAVE");
    }

    /** Waits until both replication threads run; fails with their last errors if they do not. */
    public void awaitReplicating(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReplicating()) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException(this + " is not replicating after " + timeout + ": " + replicationProblems()
                        + ". Log " + logFile() + ":\n" + process.logTail());
            }
            Pause.of(Duration.ofMillis(10));
        }
    }

    /** Whether the IO thread (receiving) and the SQL thread (applying) both run. */
    public boolean isReplicating() {
        Map<String, String> status = replicationStatus();
        return "Yes".equals(status.get("Slave_IO_Running")) && "Yes".equals(status.get("Slave_SQL_Running"));
    }

    /** Whether the SQL thread applies what the IO thread receives. */
    public boolean isApplyingReplication() {
        return "Yes".equals(replicationStatus().get("Slave_SQL_Running"));
    }

    /** {@code SHOW SLAVE STATUS} as column name to value; empty when this node replicates from nothing. */
    public Map<String, String> replicationStatus() {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW SLAVE STATUS")) {
            Map<String, String> status = new LinkedHashMap<>();
            if (rows.next()) {
                ResultSetMetaData columns = rows.getMetaData();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    status.put(columns.getColumnLabel(i), rows.getString(i));
                }
            }
            return status;
        } catch (SQLException e) {
            throw new ClusterException(this + " could not show its replication status: " + e.getMessage(), e);
        }
    }

    private String replicationProblems() {
        Map<String, String> status = replicationStatus();
        if (status.isEmpty()) {
            return "no replication configured";
        }
        return "IO " + status.get("Slave_IO_Running") + " (" + status.get("Last_IO_Error") + "), SQL "
                + status.get("Slave_SQL_Running") + " (" + status.get("Last_SQL_Error") + ")";
    }

    /** {@code STOP SLAVE SQL_THREAD}: events keep arriving but are not applied, so this node falls behind. */
    public void stopReplicaSqlThread() {
        execute("STOP SLAVE SQL_THREAD");
    }

    public void startReplicaSqlThread() {
        execute("START SLAVE SQL_THREAD");
    }

    /** {@code STOP SLAVE}: neither receives nor applies. */
    public void stopReplication() {
        execute("STOP SLAVE");
    }

    public void startReplication() {
        execute("START SLAVE");
    }

    /**
     * Turns semi-synchronous replication on for whatever this node is: the master side if it accepts writes,
     * the replica side (and a reconnect of the IO thread, which is when the side is negotiated) if it
     * replicates. A ring master is both. Settings are global, not persisted: a restart turns them off.
     */
    public void enableSemiSync() {
        switchSemiSync("ON");
    }

    public void disableSemiSync() {
        switchSemiSync("OFF");
    }

    private void switchSemiSync(String value) {
        if (role() == ServerRole.PRIMARY) {
            execute("SET GLOBAL rpl_semi_sync_master_enabled = " + value);
        }
        if (!replicationStatus().isEmpty()) {
            execute(
                    "SET GLOBAL rpl_semi_sync_slave_enabled = " + value,
                    "STOP SLAVE IO_THREAD",
                    "START SLAVE IO_THREAD");
        }
    }

    /** A status variable ({@code SHOW GLOBAL STATUS}), e.g. {@code Rpl_semi_sync_master_status}; null if unknown. */
    public String globalStatus(String variable) {
        try (Connection connection = connect();
                PreparedStatement statement =
                        connection.prepareStatement("SHOW GLOBAL STATUS WHERE Variable_name = ?")) {
            statement.setString(1, variable);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(2) : null;
            }
        } catch (SQLException e) {
            throw new ClusterException(this + " could not read status " + variable + ": " + e.getMessage(), e);
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
        return directory.resolve("data");
    }

    private Path temporaryDirectory() {
        return directory.resolve("tmp");
    }

    /** The server's stderr, next to the node's directory (so the server's account need not own it). */
    public Path logFile() {
        return directory.resolveSibling(name + ".log");
    }

    /** The running process, or null before the first start. */
    public ServerProcess process() {
        return process;
    }

    @Override
    public String toString() {
        return "MariaDB node " + name + " (" + address() + ")";
    }
}
