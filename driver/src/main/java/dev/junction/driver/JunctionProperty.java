package dev.junction.driver;

import dev.junction.driver.internal.config.ApplicationClass;
import dev.junction.router.LoadBalance;
import dev.junction.router.PrimaryReads;
import dev.junction.router.ReadConsistency;
import dev.junction.router.StaleReadFallback;
import dev.junction.router.TransactionRouting;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A typed Junction connection property: its name, value type, default, parser and validation, and the text of
 * its row in the README's property table. This class is the single source of truth for Junction's own
 * properties: URLs, {@link java.util.Properties} and {@link JunctionDataSource} setters all parse through it,
 * {@link JunctionDriver#getPropertyInfo} describes it, and the README table is generated from {@link #all()}.
 *
 * <p>Any property not listed here belongs to the backend driver and passes through to it unchanged.
 *
 * @param <T> the parsed value type
 */
public final class JunctionProperty<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final String DURATION_EXPECTED = "a duration such as 500ms or 2s";
    /** Plain decimal notation only: {@link Double#parseDouble} would also take {@code NaN}, {@code 1e-1}, {@code 0x1p-3}, {@code 1d}. */
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?|\\.\\d{1,9}");
    /** The smallest {@link #MONITOR_INTERVAL}: 10 ms is 100 probes per second per node already. */
    public static final Duration MIN_MONITOR_INTERVAL = Duration.ofMillis(10);

    /** A read may use a replica only if its staleness bound is within this. */
    public static final JunctionProperty<Duration> MAX_REPLICA_LAG = duration(
            "maxReplicaLag",
            "1s",
            "A read may use a replica only if the replica's staleness bound is within this budget.");
    /** How fresh reads must be. */
    public static final JunctionProperty<ReadConsistency> READ_CONSISTENCY = choice(
            "readConsistency",
            ReadConsistency.class,
            ReadConsistency::propertyValue,
            ReadConsistency.GLOBAL,
            "`eventual`: lag budget only; `session`: read-your-writes per connection; "
                    + "`global`: every write committed through Junction in this JVM is visible; `strong`: every statement to the primary.");
    /** What a read does when no replica qualifies. */
    public static final JunctionProperty<StaleReadFallback> STALE_READ_FALLBACK = choice(
            "staleReadFallback",
            StaleReadFallback.class,
            StaleReadFallback::propertyValue,
            StaleReadFallback.PRIMARY,
            "What a read does when no replica qualifies: read from the primary, wait up to `replicaWaitTimeout`, or fail.");
    /** Where a transaction not declared read-only starts. */
    public static final JunctionProperty<TransactionRouting> TRANSACTION_ROUTING = choice(
            "transactionRouting",
            TransactionRouting.class,
            TransactionRouting::propertyValue,
            TransactionRouting.LEARNED,
            "Where a transaction with auto-commit off that is not read-only starts: `primary` always; "
                    + "`optimistic` on a qualifying replica when its first statement is a plain read, moving to the "
                    + "primary at its first statement that needs it (its reads replayed there and compared; `40001` "
                    + "if they differ); `learned` as `optimistic` for the transactions whose shape (first "
                    + "statement, refined by the application code that began it where transactions of one first "
                    + "statement both write and do not) recently wrote less often than `learnedWriteShare`, the "
                    + "primary for the others and for shapes not seen yet.");
    /**
     * The write share below which {@code learned} starts a shape on a replica: the router's {@code TransactionShapes}
     * applies it, each connection passes its own.
     */
    public static final JunctionProperty<Double> LEARNED_WRITE_SHARE = fraction(
            "learnedWriteShare",
            "0.1",
            "With `transactionRouting=learned`, a transaction shape starts on a replica while fewer than "
                    + "this share of its recent transactions wrote (each writer there pays a rollback and a replay "
                    + "on the primary). Raise it to serve more reads from replicas where the same code sometimes "
                    + "writes; `transactionRouting=optimistic` starts every shape there.");
    /** Bound for {@code wait} and for read-your-writes waits. */
    public static final JunctionProperty<Duration> REPLICA_WAIT_TIMEOUT = duration(
            "replicaWaitTimeout",
            "1s",
            "How long a read waits for a replica to catch up (`staleReadFallback=wait`, read-your-writes) before using the primary.");
    /** How long a replica may take to answer before the read is retried elsewhere. */
    public static final JunctionProperty<Duration> REPLICA_READ_TIMEOUT = duration(
            "replicaReadTimeout",
            "5s",
            "Network timeout of connections to replicas: a replica that does not answer within it is reported down and the read "
                    + "runs once more on another qualifying replica or the primary. Reads that run longer on a replica need a larger "
                    + "value; `0ms` disables it.");
    /** How many replicas must have a commit. */
    public static final JunctionProperty<SyncMode> SYNC_MODE = new JunctionProperty<>(
            "syncMode",
            SyncMode.class,
            SyncMode.ASYNC,
            SyncMode::parse,
            SyncMode.EXPECTED,
            "`async`, `semi-sync`, `sync`, `majority`, `quorum:N`",
            "How many replicas must have a write transaction's commit before it is acknowledged: none, one, every replica that is up, "
                    + "enough to make a majority of the URL's nodes with the primary, or N.");
    /** Per-table sync modes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final JunctionProperty<List<SyncTable>> SYNC_TABLES = new JunctionProperty<List<SyncTable>>(
            "syncTables",
            (Class) List.class,
            List.of(),
            SyncTable::parseList,
            "a list such as model_versions:sync,features_hot:quorum:2 (modes async, semi-sync, sync, majority, quorum:N)",
            "`table:mode,…`",
            "Sync modes of single tables: a commit that wrote one of them waits for the strongest of their modes and "
                    + "`syncMode`.");
    /** What a replica must have done with a commit for it to count. */
    public static final JunctionProperty<SyncAck> SYNC_ACK = choice(
            "syncAck",
            SyncAck.class,
            SyncAck.APPLY,
            "What a replica must have done with the commit for it to count: flushed it, or applied it (visible to reads).");
    /** How long a commit waits for its sync mode. */
    public static final JunctionProperty<Duration> SYNC_TIMEOUT =
            duration("syncTimeout", "5s", "How long a commit waits for the replicas its `syncMode` requires.");
    /** What happens when {@link #SYNC_TIMEOUT} passes. */
    public static final JunctionProperty<SyncTimeoutAction> SYNC_TIMEOUT_ACTION = choice(
            "syncTimeoutAction",
            SyncTimeoutAction.class,
            SyncTimeoutAction.FAIL,
            "After `syncTimeout`: `fail` with a committed-but-not-replicated error (SQLState 01J01), or `degrade` to a "
                    + "warning; once degraded, commits of that mode wait 100 ms at most, each warned of, until one is "
                    + "confirmed in time.");
    /** Choice among qualifying replicas. */
    public static final JunctionProperty<LoadBalance> LOAD_BALANCE = choice(
            "loadBalance",
            LoadBalance.class,
            LoadBalance::propertyValue,
            LoadBalance.LEAST_BUSY,
            "How a read chooses among the replicas that qualify. `least-busy`: the fewest statements in flight "
                    + "from this JVM, then the shortest measured service time.");
    /** Whether the primary takes auto-commit reads a replica could serve, when it has room. */
    public static final JunctionProperty<PrimaryReads> PRIMARY_READS = choice(
            "primaryReads",
            PrimaryReads.class,
            PrimaryReads::propertyValue,
            PrimaryReads.NEVER,
            "Whether an auto-commit read a replica could serve may run on the primary, to use its spare capacity: "
                    + "`never`; `when-idle`, only while the primary has nothing in flight from this JVM and the "
                    + "chosen replica has; `weighted`, the primary ranked with the replicas by `least-busy`'s rule, "
                    + "its writes in flight counting. Reads in transactions and reads hinted to a replica stay "
                    + "on replicas.");
    /**
     * Probe period of the topology monitor. At least {@link #MIN_MONITOR_INTERVAL}: below that the probes (one round
     * trip per node per interval, on every node) cost the servers more than any routing decision gains.
     */
    public static final JunctionProperty<Duration> MONITOR_INTERVAL = duration(
            "monitorInterval",
            "100ms",
            MIN_MONITOR_INTERVAL,
            "Probe period for roles, replay positions and health of every node.");
    /** How long writes wait for a new primary. */
    public static final JunctionProperty<Duration> FAILOVER_TIMEOUT = duration(
            "failoverTimeout",
            "30s",
            "How long a statement that needs the primary waits, while no node answers as primary (the primary lost, a "
                    + "promotion under way), for exactly one to answer; then `08006`. `0ms` fails at once with `08004`. "
                    + "Reads that may use a replica do not wait.");
    /** Whether the outcome of a commit whose connection was lost is found out, and how. */
    public static final JunctionProperty<CommitOutcomeMode> COMMIT_OUTCOME = choice(
            "commitOutcome",
            CommitOutcomeMode.class,
            CommitOutcomeMode.OFF,
            "`off`: a commit (`commit()` or an auto-commit write) whose connection is lost is `08007`, outcome unknown; "
                    + "`track`: each transaction that writes also inserts an id of its own into "
                    + "`junction_commit_outcomes` (created at connect; old ids pruned in the background), auto-commit "
                    + "writes run as such a transaction, and a lost commit is answered from the primary, the same node "
                    + "or the one promoted: committed (the call returns) or rolled back, safe to retry (`40000`). "
                    + "`COMMIT` sent as SQL is not tracked.");
    /** Whether a transaction whose primary was lost is replayed on the new one. */
    public static final JunctionProperty<TransactionReplayMode> TRANSACTION_REPLAY = choice(
            "transactionReplay",
            TransactionReplayMode.class,
            TransactionReplayMode.OFF,
            "`off`: a transaction whose node is lost is `08S02`, to retry; `on`: a transaction with auto-commit off that "
                    + "runs on the primary keeps a log of what it ran (text, parameters, a checksum of the rows read, "
                    + "update counts); when the primary is lost before its commit, the transaction is run again on the "
                    + "primary that answers next (within `failoverTimeout`) and goes on there only if every read returns "
                    + "the same rows and every write changes as many rows, else `08S02`. Not replayed: batches, calls, "
                    + "updatable result sets, savepoints, transactions opened with SQL `BEGIN`, a lost `COMMIT`.");
    /**
     * The application's {@link JunctionExceptionOverride}, instantiated when the configuration is validated; the
     * default has no opinion on any failure. Formats to its class name, so {@code parse(format(v))} is another instance
     * of the same class.
     */
    public static final JunctionProperty<JunctionExceptionOverride> EXCEPTION_OVERRIDE_CLASS_NAME =
            new JunctionProperty<>(
                    "exceptionOverrideClassName",
                    JunctionExceptionOverride.class,
                    NoOverride.INSTANCE,
                    text -> text.isEmpty()
                            ? NoOverride.INSTANCE
                            : ApplicationClass.instantiate(
                                    "exceptionOverrideClassName", text, JunctionExceptionOverride.class),
                    value ->
                            value == NoOverride.INSTANCE ? "" : value.getClass().getName(),
                    List.of(),
                    "the fully qualified name of a public class implementing "
                            + JunctionExceptionOverride.class.getName(),
                    "class name (`com.example.MyOverride`)",
                    "An application class implementing `dev.junction.driver.JunctionExceptionOverride` (public, with a public "
                            + "no-argument constructor; HikariCP's name and idea), which may force how a backend failure is read: "
                            + "lost connection, read-only node, or the statement's own error. Loaded through the thread context class "
                            + "loader, else Junction's; a bad name fails the connection with `22023`.");
    /** Which nodes accept writes. */
    public static final JunctionProperty<Topology> TOPOLOGY = choice(
            "topology",
            Topology.class,
            Topology.PRIMARY_REPLICA,
            "`primary-replica`: one primary takes writes; `multi-master`: several nodes take writes and replicate to each other: "
                    + "every statement runs on the home master (`homeMaster`), statements of `conflictTables` stamped, "
                    + "`readRepair` available; a `syncMode` other than `async` is refused with it.");
    /** The master a multi-master data source writes and reads on while it is up. */
    public static final JunctionProperty<String> HOME_MASTER = new JunctionProperty<>(
            "homeMaster",
            String.class,
            "",
            text -> text.trim(),
            value -> value,
            List.of(),
            "one of the URL's hosts as host:port, or empty",
            "`host:port` of the URL",
            "With `topology=multi-master`: the master every statement runs on while it is up; empty: the first master up in "
                    + "the URL's order. Another master up takes over while it is down. A host not in the URL fails the "
                    + "connection with `22023`.");
    /** Tables reconciled in multi-master mode. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final JunctionProperty<List<ConflictTable>> CONFLICT_TABLES =
            new JunctionProperty<List<ConflictTable>>(
                    "conflictTables",
                    (Class) List.class,
                    List.of(),
                    ConflictTable::parseList,
                    "a list such as orders:lww,likes:counter (policies lww, version-vector, counter)",
                    "`table[:policy],…`, policy `lww` (default), `version-vector`, `counter`",
                    "With `topology=multi-master`: tables whose writes Junction stamps with `_hlc` and `_origin`, each with its "
                            + "conflict policy: `lww` INSERTs, UPDATEs and DELETEs are stamped (a DELETE leaves a tombstone "
                            + "that reads skip and an INSERT of its key brings back), `counter` tables take increments "
                            + "(`UPDATE t SET c = c + ? WHERE k = ?`, one row per key and master), `version-vector` tables are "
                            + "stamped like `lww` and carry a version vector (`_vv`): a concurrent write is kept as a sibling "
                            + "until the application merges it (`Reconciler.mergeSiblings`); a statement that cannot be stamped "
                            + "(REPLACE, TRUNCATE, INSERT without a column list) is refused with `0A000`.");
    /** Whether multi-master reads consult every master. */
    public static final JunctionProperty<ReadRepair> READ_REPAIR = new JunctionProperty<>(
            "readRepair",
            ReadRepair.class,
            ReadRepair.OFF,
            ReadRepair::parse,
            "off, on, or a list of conflict tables such as orders,carts",
            "`off`, `on`, `table,…`",
            "`on` or a list of tables (with `topology=multi-master` and `conflictTables`): an auto-commit read of one row "
                    + "of such a `lww` or `version-vector` conflict table by its whole primary key first fetches the row "
                    + "from every master up, writes the winner (the latest stamp, a tombstone included) to the masters that "
                    + "miss it or hold an older version, then reads it on the home master. A table that is not a conflict "
                    + "table is refused.");
    /** How long a conflict table's tombstone is kept, and how late a replicated write may arrive. */
    public static final JunctionProperty<Duration> TOMBSTONE_RETENTION = duration(
            "tombstoneRetention",
            "168h",
            Duration.ofSeconds(1),
            "With `conflictTables`: how old a tombstone must be before `junction reconcile --purge-tombstones` removes it "
                    + "(once every master holds it), and how old a replicated write may be before the masters' guards, "
                    + "installed by `junction conflict-tables`, refuse it (an older one could bring a purged row back). "
                    + "Longer than any replication outage to ride through.");
    /** Whether connections count what they route, for JMX and Micrometer. */
    public static final JunctionProperty<MetricsMode> METRICS = choice(
            "metrics",
            MetricsMode.class,
            MetricsMode.ON,
            "`on`: count statements by target and reason, waits, pins, errors, and publish them with the cluster's "
                    + "state as the MBean `dev.junction:type=Cluster,…` and, through `JunctionMeterBinder`, as Micrometer "
                    + "meters; `off`: this data source's connections count nothing and register no MBean.");

    private static final List<JunctionProperty<?>> ALL = List.of(
            MAX_REPLICA_LAG,
            READ_CONSISTENCY,
            STALE_READ_FALLBACK,
            TRANSACTION_ROUTING,
            LEARNED_WRITE_SHARE,
            REPLICA_WAIT_TIMEOUT,
            REPLICA_READ_TIMEOUT,
            SYNC_MODE,
            SYNC_TABLES,
            SYNC_ACK,
            SYNC_TIMEOUT,
            SYNC_TIMEOUT_ACTION,
            LOAD_BALANCE,
            PRIMARY_READS,
            MONITOR_INTERVAL,
            FAILOVER_TIMEOUT,
            COMMIT_OUTCOME,
            TRANSACTION_REPLAY,
            EXCEPTION_OVERRIDE_CLASS_NAME,
            TOPOLOGY,
            HOME_MASTER,
            CONFLICT_TABLES,
            READ_REPAIR,
            TOMBSTONE_RETENTION,
            METRICS);

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Parser<T> parser;
    private final Function<T, String> formatter;
    private final List<String> choices;
    private final String expected;
    private final String valuesText;
    private final String description;

    private JunctionProperty(
            String name,
            Class<T> type,
            T defaultValue,
            Parser<T> parser,
            String expected,
            String valuesText,
            String description) {
        this(
                name,
                type,
                defaultValue,
                parser,
                JunctionProperty::formatValue,
                List.of(),
                expected,
                valuesText,
                description);
    }

    private JunctionProperty(
            String name,
            Class<T> type,
            T defaultValue,
            Parser<T> parser,
            Function<T, String> formatter,
            List<String> choices,
            String expected,
            String valuesText,
            String description) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.formatter = formatter;
        this.choices = choices;
        this.expected = expected;
        this.valuesText = valuesText;
        this.description = description;
    }

    private static JunctionProperty<Duration> duration(String name, String defaultText, String description) {
        return new JunctionProperty<>(
                name,
                Duration.class,
                parseDuration(defaultText),
                JunctionProperty::parseDuration,
                DURATION_EXPECTED,
                "duration (`500ms`, `2s`, `1m`)",
                description);
    }

    /** A duration that must be at least {@code minimum}; the message of a smaller one names the minimum. */
    private static JunctionProperty<Duration> duration(
            String name, String defaultText, Duration minimum, String description) {
        String least = formatDuration(minimum);
        Parser<Duration> parser = text -> {
            Duration value = parseDuration(text);
            if (value.compareTo(minimum) < 0) {
                throw new IllegalArgumentException(text);
            }
            return value;
        };
        return new JunctionProperty<>(
                name,
                Duration.class,
                parseDuration(defaultText),
                parser,
                "a duration of at least " + least + " such as 500ms or 2s",
                "duration (`500ms`, `2s`, `1m`), at least `" + least + "`",
                description);
    }

    /** A number greater than 0 and at most 1, in decimal notation ({@code 0.1}, {@code .25}, {@code 1}). */
    private static JunctionProperty<Double> fraction(String name, String defaultText, String description) {
        Parser<Double> parser = text -> {
            if (!DECIMAL.matcher(text).matches()) {
                throw new IllegalArgumentException(text);
            }
            double value = Double.parseDouble(text);
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException(text);
            }
            return value;
        };
        return new JunctionProperty<>(
                name,
                Double.class,
                Double.parseDouble(defaultText),
                parser,
                "a number greater than 0 and at most 1 such as 0.1 or 0.25",
                "number, more than `0`, at most `1` (`0.1`, `0.25`)",
                description);
    }

    private static <E extends Enum<E> & PropertyChoice> JunctionProperty<E> choice(
            String name, Class<E> type, E defaultValue, String description) {
        return choice(name, type, PropertyChoice::externalName, defaultValue, description);
    }

    /**
     * An enumerated property over {@code type}, each constant spelt by {@code spelling}: the router's own enums
     * ({@code ReadConsistency}, {@code StaleReadFallback}, {@code LoadBalance}) serve as they are, with no copy here.
     */
    private static <E extends Enum<E>> JunctionProperty<E> choice(
            String name, Class<E> type, Function<E, String> spelling, E defaultValue, String description) {
        List<E> constants = Arrays.asList(type.getEnumConstants());
        List<String> spelt = constants.stream().map(spelling).collect(Collectors.toUnmodifiableList());
        String names = String.join(", ", spelt);
        String valuesText = spelt.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "));
        Parser<E> parser = text -> constants.stream()
                .filter(c -> spelling.apply(c).equals(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(text));
        return new JunctionProperty<>(
                name, type, defaultValue, parser, spelling, spelt, "one of " + names, valuesText, description);
    }

    /**
     * Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} (a non-negative integer and a unit; the unit is
     * required, because a bare {@code 500} has been read as seconds by one tool and milliseconds by another).
     */
    static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(text);
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    /** Every Junction property, in the order of the README table. */
    public static List<JunctionProperty<?>> all() {
        return ALL;
    }

    /** The property called {@code name} (exact, case-sensitive), if it is one of Junction's. */
    public static Optional<JunctionProperty<?>> named(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst();
    }

    /**
     * Parses and validates {@code text}.
     *
     * @throws SQLException {@link JunctionErrorCode#INVALID_PROPERTY_VALUE} saying what was expected, or for a class
     *                      name {@link JunctionErrorCode#INVALID_PROPERTY_CLASS} saying what is wrong with the class
     */
    public T parse(String text) throws SQLException {
        try {
            return parser.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(text, name, expected);
        }
    }

    /**
     * The value as it is spelled in a URL: {@code parse(format(v))} equals {@code v} (for
     * {@link #EXCEPTION_OVERRIDE_CLASS_NAME}, is a new instance of {@code v}'s class).
     */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** The accepted spellings of an enumerated property, in declaration order; empty for other properties. */
    public List<String> choices() {
        return choices;
    }

    private static <T> String formatValue(T value) {
        if (value instanceof Duration) {
            return formatDuration((Duration) value);
        }
        if (value instanceof PropertyChoice) {
            return ((PropertyChoice) value).externalName();
        }
        if (value instanceof List) {
            return ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    private static String formatDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0 && millis > 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** What a valid value looks like, as the error message says it. */
    public String expected() {
        return expected;
    }

    /** The "values" cell of the README table. */
    public String valuesText() {
        return valuesText;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Text to value. An {@link IllegalArgumentException} means "not a valid value" and becomes
     * {@link JunctionErrorCode#INVALID_PROPERTY_VALUE}; a parser that can say more throws its own {@link SQLException}.
     */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text) throws SQLException;
    }

    /** The default {@link #EXCEPTION_OVERRIDE_CLASS_NAME}: Junction's own reading of every failure. */
    private static final class NoOverride implements JunctionExceptionOverride {
        static final NoOverride INSTANCE = new NoOverride();

        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return Verdict.JUNCTION_DECIDES;
        }

        @Override
        public String toString() {
            return "(none)";
        }
    }
}
