package dev.junction.benchmarks.sync;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.workloads.RoundRatios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * Commit latency of each write sync mode, Junction-enforced and the servers' native mechanisms side by side, against
 * plain asynchronous commits through the raw driver, on a primary with two replicas on loopback: PostgreSQL 15 with two
 * streaming standbys, MariaDB with two GTID replicas.
 *
 * <p>Each configuration is a connection that commits one single-row INSERT in auto-commit at a time. Method (pairs,
 * interleaved): {@code --rounds} rounds; in each, every configuration runs one block of {@code --commits} commits, in
 * a new random order; a configuration's ratio to another is the geometric mean over rounds of the ratio of their block
 * means, with a Student t 95 % interval ({@link RoundRatios}). First {@code --warmup} commits per configuration,
 * unmeasured: the JIT compiles Junction's commit path after some thousands of them, and a run of a few blocks with one
 * warm-up block measured mostly the interpreter (MariaDB semi-sync 2.0-3.3× native; warmed, see the README).
 *
 * <p>Native configurations: PostgreSQL's run as the raw driver with {@code synchronous_commit=remote_apply} (applied)
 * or {@code on} (flushed) while {@code synchronous_standby_names} is {@code ANY 1 (*)} (semi-sync) or {@code ANY 2 (*)}
 * (every standby), set before the block. Junction's run with it empty (Junction enforces the mode alone), and twice
 * more with the matching {@code ANY n} set (Junction on top of the server's own wait). The raw baseline commits with
 * {@code synchronous_commit=local}. MariaDB's native
 * semi-sync is switched on at the primary ({@code rpl_semi_sync_master_enabled}) for its blocks only (the replicas keep
 * the slave side on); it acknowledges once one replica has written the event to its relay log, which Junction's
 * {@code syncAck=flush} matches.
 *
 * <p>Hand-written baselines ({@link HandWrittenWait}): the raw driver commits asynchronously and then waits the way
 * Junction's own wait does, written by hand without Junction, so that the table separates what the method costs on
 * this machine from what Junction adds to it.
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests}, then {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.sync.SyncCommitBenchmark [--database
 * postgresql|mariadb|both] [--rounds 12] [--commits 200] [--warmup 3000] [--transactions false] [--out docs/sync-commit-latency.md]}; {@code --transactions true}
 * makes each commit a transaction's {@code commit()} after one INSERT, the way a {@code @Transactional} method commits.
 */
public final class SyncCommitBenchmark {
    private static final String RAW = "raw driver, async";

    private final int rounds;
    private final int commits;
    private final int warmUpCommits;
    /** Whether each commit is a transaction's {@code commit()} (auto-commit off) rather than an auto-commit INSERT. */
    private final boolean transactions;

    private final Random random = new Random(42);
    private long nextId = 1;

    private SyncCommitBenchmark(int rounds, int commits, int warmUpCommits, boolean transactions) {
        this.rounds = rounds;
        this.commits = commits;
        this.warmUpCommits = warmUpCommits;
        this.transactions = transactions;
    }

    /**
     * One configuration: a connection that commits, what must be switched on the servers around its blocks, and for
     * the hand-written baselines the wait that follows each commit (null otherwise).
     */
    private record Committer(
            String name, Connection connection, ServerSwitch before, ServerSwitch after, HandWrittenWait handWait) {
        Committer(String name, Connection connection, ServerSwitch before, ServerSwitch after) {
            this(name, connection, before, after, null);
        }
    }

    /**
     * The method of Junction's own wait written by hand with the raw driver, no Junction involved: after the commit,
     * the primary's position on the connection that committed, then the replicas asked in turn, each over its own connection
     * with the question kept prepared, until {@code required} of them hold it. What any client-side wait costs on this
     * machine, so that the table tells the method's cost from Junction's.
     */
    private static final class HandWrittenWait implements AutoCloseable {
        private final Connection primary;
        private final PreparedStatement position;
        private final List<Connection> replicas = new ArrayList<>();
        private final List<PreparedStatement> questions = new ArrayList<>();
        private final boolean postgres;
        private final int required;

        HandWrittenWait(
                Connection primary, String positionSql, List<Connection> replicas, String questionSql, int required)
                throws SQLException {
            this.primary = primary;
            this.position = primary.prepareStatement(positionSql);
            this.postgres = questionSql.contains("pg_lsn");
            this.required = required;
            for (Connection replica : replicas) {
                this.replicas.add(replica);
                this.questions.add(replica.prepareStatement(questionSql));
            }
        }

        /** PostgreSQL: the standbys' replay position; MariaDB: a GTID wait of at most 2 ms per replica asked. */
        static HandWrittenWait postgres(Connection primary, List<Connection> standbys, int required)
                throws SQLException {
            return new HandWrittenWait(
                    primary,
                    "select pg_current_wal_lsn()::text",
                    standbys,
                    "select pg_last_wal_replay_lsn() >= ?::pg_lsn",
                    required);
        }

        static HandWrittenWait mariaDb(Connection primary, List<Connection> replicas, int required)
                throws SQLException {
            return new HandWrittenWait(
                    primary,
                    "select @@global.gtid_binlog_pos",
                    replicas,
                    "select master_gtid_wait(?, 0.002)",
                    required);
        }

        void await() throws SQLException {
            String target;
            try (ResultSet row = position.executeQuery()) {
                row.next();
                target = row.getString(1);
            }
            boolean[] holds = new boolean[questions.size()];
            int confirmed = 0;
            while (confirmed < required) {
                for (int i = 0; i < questions.size() && confirmed < required; i++) {
                    if (!holds[i] && asks(questions.get(i), target)) {
                        holds[i] = true;
                        confirmed++;
                    }
                }
            }
        }

        private boolean asks(PreparedStatement question, String target) throws SQLException {
            question.setString(1, target);
            try (ResultSet row = question.executeQuery()) {
                row.next();
                return postgres ? row.getBoolean(1) : row.getInt(1) == 0;
            }
        }

        @Override
        public void close() throws SQLException {
            primary.close();
            for (Connection replica : replicas) {
                replica.close();
            }
        }
    }

    @FunctionalInterface
    private interface ServerSwitch {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String database = options.getOrDefault("database", "both");
        SyncCommitBenchmark benchmark = new SyncCommitBenchmark(
                Integer.parseInt(options.getOrDefault("rounds", "12")),
                Integer.parseInt(options.getOrDefault("commits", "200")),
                Integer.parseInt(options.getOrDefault("warmup", "3000")),
                yesOrNo(options.getOrDefault("transactions", "false")));
        StringBuilder report = new StringBuilder();
        report.append("# Commit latency by write sync mode\n\n")
                .append(
                        "`java -cp benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.sync.SyncCommitBenchmark ")
                .append(String.join(" ", args))
                .append("`, ")
                .append(LocalDate.now())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, servers and client on one machine (loopback). ")
                .append(benchmark.rounds)
                .append(" rounds of one block of ")
                .append(benchmark.commits)
                .append(
                        benchmark.transactions
                                ? " transactions of one single-row INSERT each (auto-commit off, then `commit()`)"
                                : " single-row auto-commit INSERTs")
                .append(" per configuration, interleaved in random order, after ")
                .append(benchmark.warmUpCommits)
                .append(" unmeasured commits per configuration; ratios are ")
                .append("geometric means of per-round ratios of block means, 95 % interval.\n\n");
        if (!database.equals("mariadb")) {
            report.append(benchmark.postgres());
        }
        if (!database.equals("postgresql")) {
            report.append(benchmark.mariaDb());
        }
        System.out.println(report);
        String out = options.get("out");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    private String postgres() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            cluster.primary().execute("create table sync_bench(id bigint primary key, payload varchar(64))");
            cluster.awaitReplication();
            String local = "options=-c%20synchronous_commit=local";
            String junction = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?" + local;
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            String raw = cluster.primary().jdbcUrl("postgres");
            String separator = raw.contains("?") ? "&" : "?";
            ServerSwitch none = () -> names(cluster, "");
            ServerSwitch any1 = () -> names(cluster, "ANY 1 (*)");
            ServerSwitch any2 = () -> names(cluster, "ANY 2 (*)");
            String apply = separator + "options=-c%20synchronous_commit=remote_apply";
            String flush = separator + "options=-c%20synchronous_commit=on";
            List<Committer> committers = new ArrayList<>();
            committers.add(new Committer(RAW, DriverManager.getConnection(raw + separator + local, user), none, null));
            committers.add(junction("Junction async", junction, "", user, none));
            committers.add(junction("Junction semi-sync (apply)", junction, "&syncMode=semi-sync", user, none));
            committers.add(junction("Junction sync (apply)", junction, "&syncMode=sync", user, none));
            committers.add(
                    junction("Junction semi-sync (flush)", junction, "&syncMode=semi-sync&syncAck=flush", user, none));
            committers.add(junction("Junction sync (flush)", junction, "&syncMode=sync&syncAck=flush", user, none));
            committers.add(
                    junction("Junction semi-sync (apply), server ANY 1", junction, "&syncMode=semi-sync", user, any1));
            committers.add(junction("Junction sync (apply), server ANY 2", junction, "&syncMode=sync", user, any2));
            committers.add(handWritten(
                    "raw driver, hand-written wait, 1 standby (apply)",
                    raw + separator + local,
                    user,
                    cluster,
                    1,
                    none));
            committers.add(handWritten(
                    "raw driver, hand-written wait, 2 standbys (apply)",
                    raw + separator + local,
                    user,
                    cluster,
                    2,
                    none));
            committers.add(new Committer(
                    "native ANY 1, remote_apply", DriverManager.getConnection(raw + apply, user), any1, null));
            committers.add(new Committer(
                    "native ANY 2, remote_apply", DriverManager.getConnection(raw + apply, user), any2, null));
            committers.add(new Committer(
                    "native ANY 1, on (flush)", DriverManager.getConnection(raw + flush, user), any1, null));
            committers.add(new Committer(
                    "native ANY 2, on (flush)", DriverManager.getConnection(raw + flush, user), any2, null));
            Map<String, String> native_ = new LinkedHashMap<>();
            native_.put("Junction semi-sync (apply)", "native ANY 1, remote_apply");
            native_.put("Junction sync (apply)", "native ANY 2, remote_apply");
            native_.put("Junction semi-sync (flush)", "native ANY 1, on (flush)");
            native_.put("Junction sync (flush)", "native ANY 2, on (flush)");
            native_.put("Junction semi-sync (apply), server ANY 1", "native ANY 1, remote_apply");
            native_.put("raw driver, hand-written wait, 1 standby (apply)", "native ANY 1, remote_apply");
            native_.put("raw driver, hand-written wait, 2 standbys (apply)", "native ANY 2, remote_apply");
            native_.put("Junction sync (apply), server ANY 2", "native ANY 2, remote_apply");
            Map<String, String> hand = new LinkedHashMap<>();
            hand.put("Junction semi-sync (apply)", "raw driver, hand-written wait, 1 standby (apply)");
            hand.put("Junction sync (apply)", "raw driver, hand-written wait, 2 standbys (apply)");
            return table(
                    "PostgreSQL " + cluster.binaries().version() + ", primary + 2 standbys", committers, native_, hand);
        }
    }

    private String mariaDb() throws Exception {
        try (MariaDbCluster cluster =
                MariaDbCluster.primaryReplica().replicas(2).start()) {
            cluster.primary()
                    .execute("create table " + MariaDbNode.DATABASE
                            + ".sync_bench(id bigint primary key, payload varchar(64))");
            cluster.enableSemiSync();
            cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", MariaDbNode.APPLICATION_USER);
            user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            String junction = "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            String raw = "jdbc:mariadb://" + cluster.primary().address() + "/" + MariaDbNode.DATABASE;
            ServerSwitch on = () -> cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
            ServerSwitch off = () -> cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            List<Committer> committers = new ArrayList<>();
            committers.add(new Committer(RAW, DriverManager.getConnection(raw, user), null, null));
            committers.add(junction("Junction async", junction, "", user));
            committers.add(junction("Junction semi-sync (apply)", junction, "&syncMode=semi-sync", user));
            committers.add(junction("Junction sync (apply)", junction, "&syncMode=sync", user));
            committers.add(junction("Junction semi-sync (flush)", junction, "&syncMode=semi-sync&syncAck=flush", user));
            committers.add(junction("Junction sync (flush)", junction, "&syncMode=sync&syncAck=flush", user));
            committers.add(new Committer(
                    "Junction semi-sync (flush), server semi-sync",
                    DriverManager.getConnection(junction + "?syncMode=semi-sync&syncAck=flush", user),
                    on,
                    off));
            committers.add(new Committer("native semi-sync", DriverManager.getConnection(raw, user), on, off));
            // The same through MySQL Connector/J, whose session state tracking gives Junction each commit's GTID in
            // the server's answer to the commit, so that its wait asks the primary nothing: against the server's
            // semi-sync through the same driver.
            String connectorJ = "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            String rawConnectorJ = "jdbc:mysql://" + cluster.primary().address() + "/" + MariaDbNode.DATABASE;
            committers.add(junction(CONNECTOR_J_APPLY, connectorJ, "&syncMode=semi-sync", user));
            committers.add(junction(CONNECTOR_J_FLUSH, connectorJ, "&syncMode=semi-sync&syncAck=flush", user));
            committers.add(
                    new Committer(CONNECTOR_J_NATIVE, DriverManager.getConnection(rawConnectorJ, user), on, off));
            List<Connection> replicas = new ArrayList<>();
            for (MariaDbNode replica : cluster.replicas()) {
                replicas.add(DriverManager.getConnection(
                        "jdbc:mariadb://" + replica.address() + "/" + MariaDbNode.DATABASE, user));
            }
            Connection handCommits = DriverManager.getConnection(raw, user);
            committers.add(new Committer(
                    "raw driver, hand-written wait, 1 replica (apply)",
                    handCommits,
                    null,
                    null,
                    HandWrittenWait.mariaDb(handCommits, replicas, 1)));
            Map<String, String> native_ = new LinkedHashMap<>();
            native_.put("Junction semi-sync (flush)", "native semi-sync");
            native_.put("Junction semi-sync (apply)", "native semi-sync");
            native_.put("Junction semi-sync (flush), server semi-sync", "native semi-sync");
            native_.put("raw driver, hand-written wait, 1 replica (apply)", "native semi-sync");
            native_.put(CONNECTOR_J_APPLY, CONNECTOR_J_NATIVE);
            native_.put(CONNECTOR_J_FLUSH, CONNECTOR_J_NATIVE);
            Map<String, String> hand =
                    Map.of("Junction semi-sync (apply)", "raw driver, hand-written wait, 1 replica (apply)");
            return table(
                    "MariaDB " + cluster.binaries().version() + ", primary + 2 replicas", committers, native_, hand);
        }
    }

    private static final String CONNECTOR_J_APPLY = "Junction semi-sync (apply), MySQL Connector/J";
    private static final String CONNECTOR_J_FLUSH = "Junction semi-sync (flush), MySQL Connector/J";
    private static final String CONNECTOR_J_NATIVE = "native semi-sync, MySQL Connector/J";

    /** A raw PostgreSQL connection committing with {@code url}, then waiting by hand for {@code required} standbys. */
    private static Committer handWritten(
            String name, String url, Properties user, PostgresCluster cluster, int required, ServerSwitch before)
            throws SQLException {
        List<Connection> standbys = new ArrayList<>();
        for (var standby : cluster.standbys()) {
            standbys.add(DriverManager.getConnection(standby.jdbcUrl("postgres"), user));
        }
        Connection commits = DriverManager.getConnection(url, user);
        HandWrittenWait wait = HandWrittenWait.postgres(commits, standbys, required);
        return new Committer(name, commits, before, null, wait);
    }

    /** A Junction connection; {@code parameters} start with {@code &} and join the URL's own, if any. */
    private static Committer junction(String name, String url, String parameters, Properties user) throws SQLException {
        return junction(name, url, parameters, user, null);
    }

    private static Committer junction(String name, String url, String parameters, Properties user, ServerSwitch before)
            throws SQLException {
        String full =
                url.contains("?") || parameters.isEmpty() ? url + parameters : url + "?" + parameters.substring(1);
        return new Committer(name, DriverManager.getConnection(full, user), before, null);
    }

    /** The value {@code synchronous_standby_names} was last set to by {@link #names}. */
    private String standbyNames = "";

    /**
     * Sets {@code synchronous_standby_names} when it changes, and waits 1.1 s: for the WAL senders to take it (the
     * reload reaches them asynchronously), and for Junction's reading of it, which may be a second old, to expire, so
     * that each block measures the steady state rather than the change.
     */
    private void names(PostgresCluster cluster, String value) throws InterruptedException {
        if (!value.equals(standbyNames)) {
            cluster.setSynchronousStandbyNames(value);
            standbyNames = value;
            Thread.sleep(1100);
        }
    }

    /** Runs the rounds and renders the table: mean, ratio to the raw driver and to the native equivalent. */
    /**
     * @param nativeOf the server's own equivalent of a configuration, its ratio to which the target bounds
     * @param handOf   the same method written by hand with the raw driver: a ratio to it is what Junction adds
     */
    private String table(
            String title, List<Committer> committers, Map<String, String> nativeOf, Map<String, String> handOf)
            throws Exception {
        Map<String, List<Double>> means = new LinkedHashMap<>();
        for (Committer committer : committers) {
            means.put(committer.name(), new ArrayList<>());
            for (int warmed = 0; warmed < warmUpCommits; warmed += commits) {
                block(committer);
            }
        }
        List<Committer> order = new ArrayList<>(committers);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(order, random);
            for (Committer committer : order) {
                means.get(committer.name()).add(block(committer));
            }
        }
        for (Committer committer : committers) {
            committer.connection().close();
            if (committer.handWait() != null) {
                committer.handWait().close();
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("## ")
                .append(title)
                .append(
                        "\n\n| configuration | mean commit (µs) | / raw async | / native equivalent | / hand-written wait"
                                + " |\n|---|---|---|---|---|\n");
        for (Committer committer : committers) {
            List<Double> own = means.get(committer.name());
            String toNative = nativeOf.containsKey(committer.name())
                    ? RoundRatios.of(own, means.get(nativeOf.get(committer.name())))
                                    .label() + " (vs " + nativeOf.get(committer.name()) + ")"
                    : "";
            String toHand = handOf.containsKey(committer.name())
                    ? RoundRatios.of(own, means.get(handOf.get(committer.name())))
                            .label()
                    : "";
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s | %s |%n",
                    committer.name(),
                    own.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / 1000,
                    committer.name().equals(RAW)
                            ? "1"
                            : RoundRatios.of(own, means.get(RAW)).label(),
                    toNative,
                    toHand));
        }
        return table.append('\n').toString();
    }

    /** One block of commits; returns the mean latency in nanoseconds. */
    private double block(Committer committer) throws Exception {
        if (committer.before() != null) {
            committer.before().run();
        }
        long total = 0;
        Connection connection = committer.connection();
        if (connection.getAutoCommit() == transactions) {
            connection.setAutoCommit(!transactions);
        }
        try (PreparedStatement insert =
                committer.connection().prepareStatement("insert into sync_bench(id, payload) values (?, 'x')")) {
            for (int i = 0; i < commits; i++) {
                insert.setLong(1, nextId++);
                long start = System.nanoTime();
                insert.executeUpdate();
                if (transactions) {
                    connection.commit();
                }
                if (committer.handWait() != null) {
                    committer.handWait().await();
                }
                total += System.nanoTime() - start;
            }
        } finally {
            if (committer.after() != null) {
                committer.after().run();
            }
        }
        return (double) total / commits;
    }

    private static boolean yesOrNo(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("--transactions takes true or false, got " + value);
        }
        return Boolean.parseBoolean(value);
    }

    private static Map<String, String> options(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
