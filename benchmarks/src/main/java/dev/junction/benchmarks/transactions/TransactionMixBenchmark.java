package dev.junction.benchmarks.transactions;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.workloads.Dialect;
import dev.junction.workloads.PairedLatency;
import dev.junction.workloads.RoundRatios;
import dev.junction.workloads.ServingNode;
import dev.junction.workloads.Tally;
import dev.junction.workloads.TpccMix;
import dev.junction.workloads.TransactionMix;
import dev.junction.workloads.WorkloadResult;
import dev.junction.workloads.WorkloadRunner;
import dev.junction.workloads.YcsbMix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * Throughput and routing of the transaction mixes ({@link YcsbMix}, {@link TpccMix}; every transaction with auto-commit
 * off, never read-only, retried on {@code 40001}) through Junction with {@code transactionRouting} = {@code primary},
 * {@code optimistic} and {@code learned}, each under {@code readConsistency} = {@code eventual} and {@code global},
 * against the raw backend driver to the primary as the baseline, on a PostgreSQL primary with two standbys and a
 * MariaDB primary with one replica on loopback. Per database, mix and configuration it reports committed transactions
 * per second, the ratio to the raw driver with its 95 % interval, the share of reads served by replicas (all reads, and
 * those of the read-only kinds), the moves to the primary and Junction's conflicts ({@code 40001}), the retries by
 * cause and the unexpected failures; the mix's invariants are checked on the primary after each mix.
 *
 * <p>Method: each configuration runs once per round ({@code --rounds}, default 4) for {@code --seconds}/rounds, in a
 * new random order each round, after one warm-up run each ({@code --warmup} seconds); before each run the replicas
 * replay everything written before. The ratio to the raw driver is the geometric mean of the per-round ratios, with a
 * Student t interval over the rounds (see {@link RoundRatios}). Unless {@code --pin} puts every server process on CPU 0
 * and this JVM on CPU 1, nothing is pinned: the servers, their replicas and the client threads share the machine, so a
 * replica's read costs the same CPUs as the primary's, and read scaling cannot show here; what shows is what routing
 * costs (moves, replays, retries).
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests -Dformat.check.skip=true}, then {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.transactions.TransactionMixBenchmark [--database
 * postgresql|mariadb|both] [--mixes ycsb,tpcc] [--routings primary,optimistic,learned,learned:0.3
 * (learnedWriteShare=0.3)] [--consistencies eventual,global,session] [--threads 4] [--seconds 16] [--rounds 4]
 * [--warmup 2] [--out docs/transaction-mixes.md] [--retry backoff|immediately] [--paired-latency BLOCKS,PER_BLOCK]
 * [--pin | --pin-primary-apart]}. With the defaults it takes about 10 minutes.
 * {@code --paired-latency} replaces the throughput runs by a latency comparison of each routing against {@code
 * primary}, block by block on one thread ({@link PairedLatency}).
 */
public final class TransactionMixBenchmark {
    private static final String RAW = "raw driver, primary";

    private final int threads;
    private final int rounds;
    private final Duration perRound;
    private final Duration warmup;
    private final List<String> mixes;
    private final List<String> routings;
    private final WorkloadRunner.Retry retry;
    /** {@code --paired-latency BLOCKS,PER_BLOCK}: compare latencies block by block instead of measuring throughput. */
    private int pairedBlocks;

    private int pairedPerBlock;
    /** {@code --pin} or {@code --pin-primary-apart}: where the servers and this JVM run. */
    private Pinning pin = Pinning.NONE;

    /** Where the processes run: {@code --pin}, {@code --pin-primary-apart}, or wherever the scheduler puts them. */
    enum Pinning {
        NONE("unpinned"),
        SERVERS("every server process on CPU 0 and the client on CPU 1 (`--pin`)"),
        PRIMARY_APART("the primary's processes alone on CPU 0, the replicas' and the client on CPU 1"
                + " (`--pin-primary-apart`: the primary as if on a machine of its own)");

        final String described;

        Pinning(String described) {
            this.described = described;
        }
    }

    /** {@code --consistencies}: the read consistencies each routing runs under. */
    private List<String> consistencies = List.of("eventual", "global");

    private final Random order = new Random(13);

    private TransactionMixBenchmark(
            int threads,
            int rounds,
            Duration perRound,
            Duration warmup,
            List<String> mixes,
            List<String> routings,
            WorkloadRunner.Retry retry) {
        this.retry = retry;
        this.routings = routings;
        this.threads = threads;
        this.rounds = rounds;
        this.perRound = perRound;
        this.warmup = warmup;
        this.mixes = mixes;
    }

    public static void main(String[] args) throws Exception {
        String database = "both";
        List<String> mixes = List.of("ycsb", "tpcc");
        List<String> routings = List.of("primary", "optimistic", "learned");
        String paired = null;
        List<String> consistencies = List.of("eventual", "global");
        int threads = 4;
        int seconds = 16;
        int rounds = 4;
        int warmup = 2;
        Path out = null;
        Pinning pin = Pinning.NONE;
        WorkloadRunner.Retry retry = WorkloadRunner.Retry.WITH_BACKOFF;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--database" -> database = args[++i];
                case "--mixes" -> mixes = List.of(args[++i].split(","));
                case "--routings" -> routings = List.of(args[++i].split(","));
                case "--consistencies" -> consistencies = List.of(args[++i].split(","));
                case "--paired-latency" -> paired = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--pin" -> pin = Pinning.SERVERS;
                case "--pin-primary-apart" -> pin = Pinning.PRIMARY_APART;
                case "--retry" ->
                    retry = args[++i].equals("immediately")
                            ? WorkloadRunner.Retry.IMMEDIATELY
                            : WorkloadRunner.Retry.WITH_BACKOFF;
                default ->
                    throw new IllegalArgumentException("Unknown option " + args[i] + "; expected --database"
                            + " postgresql|mariadb|both, --mixes ycsb,tpcc, --routings primary,optimistic,learned,"
                            + " --consistencies eventual,global,session, --threads N, --seconds N, --rounds N,"
                            + " --warmup N, --retry backoff|immediately, --pin (servers on CPU 0, this JVM on CPU 1),"
                            + " --pin-primary-apart (the primary on CPU 0, the replicas and this JVM on CPU 1) or"
                            + " --out FILE");
            }
        }
        if (!List.of("postgresql", "mariadb", "both").contains(database)) {
            throw new IllegalArgumentException(
                    "Invalid --database " + database + ": expected postgresql, mariadb or both");
        }
        TransactionMixBenchmark benchmark = new TransactionMixBenchmark(
                threads,
                rounds,
                Duration.ofMillis(seconds * 1000L / rounds),
                Duration.ofSeconds(warmup),
                mixes,
                routings,
                retry);
        benchmark.consistencies = consistencies;
        benchmark.pin = pin;
        if (paired != null) {
            String[] blocks = paired.split(",");
            benchmark.pairedBlocks = Integer.parseInt(blocks[0]);
            benchmark.pairedPerBlock = Integer.parseInt(blocks[1]);
        }
        StringBuilder report = new StringBuilder();
        report.append(
                paired == null
                        ? header(String.join(" ", args), threads, seconds, rounds, warmup, retry, pin)
                        : pairedHeader(String.join(" ", args), pin));
        if (!database.equals("mariadb")) {
            report.append(benchmark.postgres());
        }
        if (!database.equals("postgresql")) {
            report.append(benchmark.mariaDb());
        }
        System.out.println(report);
        if (out != null) {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, report.toString());
            System.out.println("Wrote " + out);
        }
    }

    private static String pairedHeader(String args, Pinning pinned) {
        return "# Transaction mixes: latency against `transactionRouting=primary`\n\n"
                + String.format(
                        Locale.ROOT,
                        "Written by `TransactionMixBenchmark %s` on %s: %d CPUs (`availableProcessors`), Java %s, one"
                                + " client thread, %s. Per mix, consistency and routing, one connection of"
                                + " `transactionRouting=primary` and one of the routing under test run blocks of"
                                + " transactions in turn, alternating which goes first; the ratio is the geometric"
                                + " mean of the per-pair ratios of mean latency, with its 95 %% interval. Latency runs"
                                + " from a transaction's first attempt to its commit, retries and their waits"
                                + " included.%n",
                        args,
                        Instant.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        pinned.described);
    }

    private static String header(
            String args, int threads, int seconds, int rounds, int warmup, WorkloadRunner.Retry retry, Pinning pinned) {
        return "# Transaction mixes: routing and throughput\n\n"
                + String.format(
                        Locale.ROOT,
                        "Written by `TransactionMixBenchmark %s` on %s: %d CPUs (`availableProcessors`), Java %s, %s"
                                + " threads, %d s per configuration in %d rounds after a %d s warm-up, retries %s, %s. The"
                                + " servers, the replicas and the client share these CPUs (and, on a shared"
                                + " machine, other work): compare within a table, not across runs.%n%n",
                        args,
                        Instant.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        threads,
                        seconds,
                        rounds,
                        warmup,
                        retry == WorkloadRunner.Retry.IMMEDIATELY
                                ? "at once"
                                : "after a random wait up to 1, 2, 4 … 64 ms",
                        pinned.described)
                + "Columns: committed transactions per second (mean over rounds); its ratio to the raw driver (geometric"
                + " mean of the rounds' ratios, 95 % interval); share of reads served by replicas, all and of the"
                + " read-only kinds; transactions begun on a replica, moved to the primary, and moves ended in"
                + " `40001` by Junction (all rounds); attempts retried on `40001` (Junction's and the servers'),"
                + " `40P01`, and on the mix's own guarded updates (lost races); unexpected failures; mean latency of"
                + " the read-write kinds' transactions (first attempt's start to commit, retries included) and its"
                + " ratio to `transactionRouting=primary` under the same consistency, paired by round (geometric mean"
                + " of the rounds' ratios, 95 % interval).\n";
    }

    private String postgres() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder()
                .standbys(2)
                .setting("max_connections = 300")
                .start()) {
            pinIfAsked(
                    cluster.primary().process().pid(),
                    cluster.standbys().stream().map(n -> n.process().pid()).toList());
            List<String> seeds = new ArrayList<>();
            cluster.standbys().forEach(n -> seeds.add(n.address()));
            seeds.add(cluster.primary().address());
            String url = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
            Properties raw = new Properties();
            raw.setProperty("user", "postgres");
            String primaryUrl = cluster.primary().jdbcUrl("postgres");
            return run(
                    "PostgreSQL (primary + 2 standbys)",
                    Dialect.POSTGRESQL,
                    url,
                    raw,
                    () -> DriverManager.getConnection(primaryUrl, raw),
                    cluster.standbys().stream()
                            .<WorkloadRunner.Connector>map(
                                    n -> () -> DriverManager.getConnection(n.jdbcUrl("postgres"), raw))
                            .toList(),
                    cluster::awaitReplication);
        }
    }

    private void pinIfAsked(long primaryPid, List<Long> replicaPids) {
        List<Long> all = new ArrayList<>(replicaPids);
        all.add(primaryPid);
        boolean pinned = switch (pin) {
            case NONE -> true;
            case SERVERS -> dev.junction.benchmarks.CpuPinning.serversApartFromThisJvm(all);
            case PRIMARY_APART -> dev.junction.benchmarks.CpuPinning.primaryApart(primaryPid, replicaPids);
        };
        if (!pinned) {
            throw new IllegalStateException("--pin: taskset failed or fewer than 2 CPUs; run without pinning");
        }
    }

    private String mariaDb() throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.primaryReplica().start()) {
            pinIfAsked(
                    cluster.primary().process().pid(),
                    cluster.replicas().stream().map(n -> n.process().pid()).toList());
            String url = "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            Properties raw = new Properties();
            raw.setProperty("user", MariaDbNode.APPLICATION_USER);
            raw.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            // The raw baseline runs on the driver Junction runs on for jdbc:junction:mariadb, MariaDB Connector/J:
            // until 2026-12-05 it was MySQL Connector/J, about 30 % slower here, which flattered the hand split.
            String primaryUrl = "jdbc:mariadb://" + cluster.primary().address() + "/" + MariaDbNode.DATABASE;
            return run(
                    "MariaDB (primary + 1 replica)",
                    Dialect.MARIADB,
                    url,
                    raw,
                    () -> DriverManager.getConnection(primaryUrl, raw),
                    cluster.replicas().stream()
                            .<WorkloadRunner.Connector>map(n -> () -> DriverManager.getConnection(
                                    "jdbc:mariadb://" + n.address() + "/" + MariaDbNode.DATABASE, raw))
                            .toList(),
                    cluster::awaitReplication);
        }
    }

    /** One configuration under test and what its runs added up to. */
    private static final class Configuration {
        final String name;
        final JunctionDataSource junction;
        final WorkloadRunner runner;
        final List<Double> throughputs = new ArrayList<>();
        /** Per round, the mean latency of the read-write kinds' transactions, microseconds. */
        final List<Double> writerLatencies = new ArrayList<>();
        /** The {@code transactionRouting=primary} configuration with the same consistency; null for it and the raw. */
        Configuration primaryRouting;

        final Tally tally = new Tally();
        long started;
        long moved;
        long conflicts;

        Configuration(String name, JunctionDataSource junction, WorkloadRunner runner) {
            this.name = name;
            this.junction = junction;
            this.runner = runner;
        }
    }

    private String run(
            String database,
            Dialect dialect,
            String url,
            Properties credentials,
            WorkloadRunner.Connector raw,
            List<WorkloadRunner.Connector> rawReplicas,
            Runnable awaitReplication)
            throws Exception {
        StringBuilder out = new StringBuilder("\n## " + database + "\n");
        for (String mixName : mixes) {
            TransactionMix mix = mixName.equals("tpcc") ? new TpccMix() : new YcsbMix();
            try (Connection primary = raw.open()) {
                mix.load(primary, dialect);
            }
            if (pairedBlocks > 0) {
                out.append(paired(mix, url, credentials, raw, rawReplicas));
                continue;
            }
            List<Configuration> configurations = new ArrayList<>();
            configurations.add(new Configuration(
                    RAW, null, new WorkloadRunner(raw, ServingNode.Probe.RAW_PRIMARY, threads, retry)));
            for (String consistency : consistencies) {
                Configuration primaryRouting = null;
                for (String routing : routings) {
                    JunctionDataSource dataSource = dataSource(url, credentials, consistency, routing);
                    Configuration configuration = new Configuration(
                            "Junction " + routing + ", " + consistency,
                            dataSource,
                            new WorkloadRunner(dataSource::getConnection, ServingNode.Probe.JUNCTION, threads, retry));
                    configuration.primaryRouting = primaryRouting;
                    if (routing.equals("primary")) {
                        primaryRouting = configuration;
                    }
                    configurations.add(configuration);
                }
            }
            try {
                for (Configuration configuration : configurations) {
                    runOnce(mix, configuration, raw, awaitReplication, warmup, false);
                }
                for (int round = 0; round < rounds; round++) {
                    List<Configuration> shuffled = new ArrayList<>(configurations);
                    Collections.shuffle(shuffled, order);
                    for (Configuration configuration : shuffled) {
                        runOnce(mix, configuration, raw, awaitReplication, perRound, true);
                    }
                }
                List<String> violations;
                try (Connection primary = raw.open()) {
                    violations = mix.violations(primary);
                }
                out.append(table(mix, configurations, violations));
            } finally {
                configurations.stream().filter(c -> c.junction != null).forEach(c -> c.junction.close());
            }
        }
        return out.toString();
    }

    private void runOnce(
            TransactionMix mix,
            Configuration configuration,
            WorkloadRunner.Connector raw,
            Runnable awaitReplication,
            Duration duration,
            boolean counted)
            throws Exception {
        awaitReplication.run();
        try (Connection primary = raw.open()) {
            mix.prepare(primary);
        }
        TransactionMoves.Snapshot before = moves(configuration);
        WorkloadResult result = configuration.runner.runFor(mix, duration, order.nextLong());
        TransactionMoves.Snapshot after = moves(configuration);
        System.out.printf(
                Locale.ROOT,
                "%s %s%s: %s",
                mix.name(),
                configuration.name,
                counted ? "" : " (warm-up)",
                result.summary());
        if (!counted) {
            return;
        }
        configuration.throughputs.add(result.throughput());
        configuration.writerLatencies.add(result.tally().meanLatencyMicros(false));
        configuration.tally.add(result.tally());
        configuration.started += after.started() - before.started();
        configuration.moved += after.moved() - before.moved();
        configuration.conflicts += after.conflicts() - before.conflicts();
    }

    private static TransactionMoves.Snapshot moves(Configuration configuration) throws SQLException {
        if (configuration.junction == null) {
            return new TransactionMoves.Snapshot(0, 0, 0, 0, 0, 0, 0);
        }
        try (Connection connection = configuration.junction.getConnection()) {
            return connection
                    .unwrap(RoutingConnection.class)
                    .pipeline()
                    .topology()
                    .transactionMoves()
                    .snapshot();
        }
    }

    /**
     * {@code --paired-latency}: per consistency, {@code transactionRouting=primary} against each other routing, in
     * alternating blocks on one thread ({@link PairedLatency}).
     */
    private String paired(
            TransactionMix mix,
            String url,
            Properties credentials,
            WorkloadRunner.Connector raw,
            List<WorkloadRunner.Connector> rawReplicas)
            throws Exception {
        StringBuilder out = new StringBuilder("\n### " + mix.description() + "\n\n");
        out.append(String.format(
                Locale.ROOT,
                "One thread, %d pairs of blocks of %d transactions, alternating which runs first. Latency from the"
                        + " first attempt's start to the commit, retries included.%n%n",
                pairedBlocks,
                pairedPerBlock));
        out.append("| consistency | routing | read-write tx µs, `primary` / it | ratio (95 % CI) |"
                + " read-only tx µs, `primary` / it | ratio (95 % CI) | replica reads, read-only tx | failed |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        // What splitting alone costs on this machine: the raw driver, read-only kinds on the replicas by hand
        PairedLatency.Result split = pair(
                mix,
                PairedLatency.Side.single(raw),
                PairedLatency.Side.splitByHand(raw, rawReplicas),
                ServingNode.Probe.RAW_PRIMARY,
                "raw split by hand",
                "raw",
                "split");
        out.append(pairedRow(
                "–", "raw driver split by hand (its `primary`: the raw driver to the primary)", split, "100.0 %"));
        if (routings.contains("learned")) {
            // Junction's own cost on top of splitting: the default against the same split done by hand
            try (JunctionDataSource learned = dataSource(url, credentials, "eventual", "learned")) {
                PairedLatency.Result result = pair(
                        mix,
                        PairedLatency.Side.splitByHand(raw, rawReplicas),
                        PairedLatency.Side.single(learned::getConnection),
                        ServingNode.Probe.JUNCTION,
                        "learned against the split by hand",
                        "split",
                        "learned");
                out.append(pairedRow(
                        "eventual",
                        "learned, against the raw driver split by hand (not `primary`)",
                        result,
                        percent(result.b().replicaShare(true))));
            }
        }
        for (String consistency : consistencies) {
            for (String routing : routings) {
                if (routing.equals("primary")) {
                    continue;
                }
                try (JunctionDataSource baseline = dataSource(url, credentials, consistency, "primary");
                        JunctionDataSource candidate = dataSource(url, credentials, consistency, routing)) {
                    PairedLatency.Result result = pair(
                            mix,
                            PairedLatency.Side.single(baseline::getConnection),
                            PairedLatency.Side.single(candidate::getConnection),
                            ServingNode.Probe.JUNCTION,
                            routing + ", " + consistency,
                            "primary",
                            routing);
                    out.append(pairedRow(
                            consistency, routing, result, percent(result.b().replicaShare(true))));
                }
            }
        }
        return out.toString();
    }

    /** One pair of sides by {@link PairedLatency}, its ratios and per-kind latencies printed as it ends. */
    private PairedLatency.Result pair(
            TransactionMix mix,
            PairedLatency.Side a,
            PairedLatency.Side b,
            ServingNode.Probe probe,
            String title,
            String aName,
            String bName)
            throws SQLException {
        PairedLatency.Result result =
                PairedLatency.run(mix, a, b, probe, pairedBlocks, pairedPerBlock, order.nextLong());
        System.out.printf(
                Locale.ROOT,
                "%s %s: read-write %s, read-only %s%n",
                mix.name(),
                title,
                result.readWrite().label(),
                result.readOnly().label());
        result.a()
                .kinds()
                .forEach((kind, outcomes) -> System.out.printf(
                        Locale.ROOT,
                        "  %-14s %s %8.0f µs, %s %8.0f µs%n",
                        kind,
                        aName,
                        outcomes.meanLatencyMicros(),
                        bName,
                        result.b().kinds().get(kind).meanLatencyMicros()));
        return result;
    }

    /** A row of the paired-latency table. */
    private static String pairedRow(
            String consistency, String configuration, PairedLatency.Result result, String replicaShare) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %.0f / %.0f | %s | %.0f / %.0f | %s | %s | %d |%n",
                consistency,
                configuration,
                result.a().meanLatencyMicros(false),
                result.b().meanLatencyMicros(false),
                result.readWrite().label(),
                result.a().meanLatencyMicros(true),
                result.b().meanLatencyMicros(true),
                result.readOnly().label(),
                replicaShare,
                result.a().total().failed() + result.b().total().failed());
    }

    private static JunctionDataSource dataSource(
            String url, Properties credentials, String consistency, String routing) {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(credentials.getProperty("user"));
        dataSource.setPassword(credentials.getProperty("password", ""));
        dataSource.setReadConsistency(consistency);
        // "learned:0.3" is learned with learnedWriteShare=0.3
        String[] routingAndShare = routing.split(":", 2);
        dataSource.setTransactionRouting(routingAndShare[0]);
        if (routingAndShare.length == 2) {
            dataSource.setLearnedWriteShare(routingAndShare[1]);
        }
        return dataSource;
    }

    private static String table(TransactionMix mix, List<Configuration> configurations, List<String> violations) {
        StringBuilder out = new StringBuilder("\n### " + mix.description() + "\n\n");
        out.append("| configuration | tx/s | / raw (95 % CI) | replica reads, all | replica reads, read-only tx |"
                + " begun on replica | moved | Junction 40001 | retries 40001 / 40P01 / lost race | failed |"
                + " read-write tx latency, µs | / `primary` routing (95 % CI) |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Double> baseline = configurations.get(0).throughputs;
        for (Configuration c : configurations) {
            Tally.Outcomes total = c.tally.total();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s | %s | %s | %s | %s | %d / %d / %d | %d | %.0f | %s |%n",
                    c.name,
                    c.throughputs.stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(Double.NaN),
                    c == configurations.get(0)
                            ? "1"
                            : RoundRatios.of(c.throughputs, baseline).label(),
                    percent(c.tally.replicaShare(false)),
                    percent(c.tally.replicaShare(true)),
                    c.junction == null ? "" : Long.toString(c.started),
                    c.junction == null ? "" : Long.toString(c.moved),
                    c.junction == null ? "" : Long.toString(c.conflicts),
                    total.serializationFailures(),
                    total.deadlocks(),
                    total.lostRaces(),
                    total.failed(),
                    c.writerLatencies.stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(Double.NaN),
                    c.primaryRouting == null
                            ? ""
                            : RoundRatios.of(c.writerLatencies, c.primaryRouting.writerLatencies)
                                    .label()));
        }
        for (Configuration c : configurations) {
            c.tally
                    .failureSamples()
                    .forEach(f -> out.append("\nFailure (")
                            .append(c.name)
                            .append("): ")
                            .append(f));
            if (c.tally.writes(ServingNode.REPLICA) + c.tally.writes(ServingNode.UNKNOWN) > 0) {
                out.append("\n**Writes not on the primary** (").append(c.name).append(")");
            }
        }
        out.append(
                violations.isEmpty()
                        ? "\nInvariants hold on the primary after all runs.\n"
                        : "\n**Invariants violated:** " + String.join("; ", violations) + "\n");
        return out.toString();
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
