package dev.junction.driver.reconcile;

import dev.junction.conflict.ConflictPolicy;
import dev.junction.conflict.HlcTimestamp;
import dev.junction.conflict.HybridLogicalClock;
import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.Reconciliation;
import dev.junction.conflict.RowVersion;
import dev.junction.conflict.TombstoneHorizon;
import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Anti-entropy for multi-master tables (design §8), what {@code junction reconcile} runs: for each table, checks that
 * every master has it with the same columns, types and primary key and with {@code _hlc} and {@code _origin}
 * (refused otherwise, {@link JunctionErrorCode#RECONCILE_REFUSED}); hashes every master's rows into buckets by key
 * and compares the buckets' digests; reads the rows of the buckets that differ from every master; lets
 * {@link Reconciliation} pick each key's winner by stamp; writes the winners to the masters that lack them (an update
 * that applies only over an older stamp, or an insert where the key is missing, so a repair never undoes a newer
 * write) and records every decision in {@code junction_conflict_log} on the first master. A dry run reads and plans
 * only. Connections go to each master directly, with the URL's credentials.
 */
public final class Reconciler implements AutoCloseable {
    /** Told how far a table's comparison has come. */
    @FunctionalInterface
    public interface Progress {
        void compared(String table, int bucketsDone, int bucketsTotal);
    }

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int ROWS_PER_BUCKET = 16;
    private static final int MAX_BUCKETS = 65_536;
    private static final int BUCKETS_PER_READ = 500;

    private final Masters all;
    private final Map<String, Connection> masters;
    private final MasterDialect dialect;
    private final List<ConflictTable> configured;
    private final boolean repairsStayLocal;
    private final HybridLogicalClock clock = HybridLogicalClock.system(Duration.ofMinutes(1));
    /** {@code tombstoneRetention}: a copy older than it to a master that lacks the key is refused; a purge waits it. */
    private final TombstoneHorizon horizon;

    private Reconciler(Masters all, boolean repairsStayLocal) {
        this.all = all;
        this.masters = all.connections;
        this.dialect = all.dialect;
        this.configured = all.conflictTables;
        this.repairsStayLocal = repairsStayLocal;
        this.horizon = new TombstoneHorizon(all.tombstoneRetention);
    }

    /**
     * Connects to every master of a Junction URL ({@code jdbc:junction:postgresql://m1,m2/app?conflictTables=…}).
     *
     * @throws SQLException when the URL or its properties are invalid, or a master cannot be reached: reconciling
     *     needs them all
     */
    public static Reconciler open(String url, java.util.Properties info) throws SQLException {
        Masters masters = Masters.open(url, info);
        boolean local = true;
        try {
            for (Connection connection : masters.connections.values()) {
                if (masters.dialect == MasterDialect.MYSQL) {
                    try (Statement statement = connection.createStatement()) {
                        // GROUP_CONCAT truncates at 1 MB by default: a digest of a cut text would miss differences.
                        statement.execute("SET SESSION group_concat_max_len = 1073741824");
                    }
                }
                // Each master gets its own repairs: one replicated to a master that has the key would be a duplicate
                // key there (which stops a PostgreSQL subscription, and a MariaDB ring outside
                // slave_exec_mode=IDEMPOTENT). Without the privileges, repairs replicate; the guard triggers make
                // that safe.
                local &= Masters.keepWritesLocal(connection, masters.dialect);
            }
        } catch (SQLException e) {
            masters.close();
            throw e;
        }
        return new Reconciler(masters, local);
    }

    /** Whether repairs stay on the master they are written to ({@link Masters#keepWritesLocal}). */
    public boolean repairsStayLocal() {
        return repairsStayLocal;
    }

    /** The tables of the URL's {@code conflictTables}: what is reconciled when no table is named. */
    public List<String> conflictTables() {
        return configured.stream().map(ConflictTable::table).toList();
    }

    /** The masters, as the URL names them. */
    public List<String> masters() {
        return List.copyOf(masters.keySet());
    }

    /**
     * Merges the siblings of a {@code version-vector} table with the application's {@code merge} ({@link
     * SiblingMerger}): every key with concurrent versions ends with one row, the merge of them, on every master, and
     * no sibling.
     *
     * @param merge given the versions none of which includes another, sorted by stamp, each value the row's columns by
     *     name (null for a tombstone); returns the merged columns (those it leaves out keep the latest version's), or
     *     null to delete the row
     * @return how many keys were merged
     */
    public int mergeSiblings(String table, dev.junction.conflict.MergeFunction<Map<String, Object>> merge)
            throws SQLException {
        Shape shape = shapeOnEveryMaster(table);
        if (!shape.columns().contains(MetadataColumns.VECTOR)) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table, "it has no " + MetadataColumns.VECTOR + " column: it is not a version-vector table");
        }
        return new SiblingMerger(masters, dialect, clock).merge(table, shape.columns(), shape.key(), merge);
    }

    /**
     * Purges the tombstones of {@code table} that may go ({@link TombstoneHorizon}): those every master holds alike
     * (same key, stamp and origin) and older than {@code tombstoneRetention}. A write older than the retention that
     * arrives later is refused by the masters' insert guards ({@code junction conflict-tables} installs them with the
     * same retention), so a purged row cannot come back. Each master's deletes stay on it where they may; replicated,
     * they remove a tombstone already gone. With {@code dryRun}, counts and deletes nothing.
     *
     * @return how many tombstones were purged (or would be)
     */
    public int purgeTombstones(String table, boolean dryRun) throws SQLException {
        Shape shape = shapeOnEveryMaster(table);
        if (!shape.tombstones()) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table, "it has no " + MetadataColumns.DELETED + " column: it keeps no tombstones");
        }
        long now = clock.now();
        String key = String.join(", ", shape.key());
        Map<List<Object>, List<Object>> common = null;
        for (Connection connection : masters.values()) {
            Map<List<Object>, List<Object>> here = new LinkedHashMap<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select " + key + ", " + MetadataColumns.HLC + ", "
                            + MetadataColumns.ORIGIN + " from " + table + " where " + MetadataColumns.DELETED)) {
                while (rows.next()) {
                    List<Object> values = new ArrayList<>();
                    for (int i = 1; i <= shape.key().size(); i++) {
                        values.add(rows.getObject(i));
                    }
                    long hlc = rows.getLong(shape.key().size() + 1);
                    if (hlc >= 0 && horizon.collectable(hlc, now, true)) {
                        here.put(values, List.of(hlc, rows.getString(shape.key().size() + 2)));
                    }
                }
            }
            if (common != null) {
                here.entrySet().retainAll(common.entrySet()); // held alike by every master so far
            }
            common = here;
        }
        if (!dryRun) {
            for (Connection connection : masters.values()) {
                deleteTombstones(connection, table, shape.key(), common);
            }
        }
        return common.size();
    }

    private static void deleteTombstones(
            Connection connection, String table, List<String> key, Map<List<Object>, List<Object>> tombstones)
            throws SQLException {
        String where = key.stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
        try (PreparedStatement delete = connection.prepareStatement("delete from " + table + " where " + where
                + " and " + MetadataColumns.DELETED + " and " + MetadataColumns.HLC + " = ? and "
                + MetadataColumns.ORIGIN + " = ?")) {
            for (Map.Entry<List<Object>, List<Object>> tombstone : tombstones.entrySet()) {
                int index = 1;
                for (Object value : tombstone.getKey()) {
                    delete.setObject(index++, value);
                }
                delete.setLong(index++, (Long) tombstone.getValue().get(0));
                delete.setString(index, (String) tombstone.getValue().get(1));
                delete.executeUpdate();
            }
        }
    }

    /** Reconciles {@code table} across the masters; with {@code dryRun}, writes nothing. */
    public TableReport reconcile(String table, boolean dryRun, Progress progress) throws SQLException {
        long start = System.nanoTime();
        Shape shape = shapeOnEveryMaster(table);
        long rows = 0;
        for (Connection connection : masters.values()) {
            rows = Math.max(rows, count(connection, table));
        }
        int buckets = (int) Math.max(1, Math.min(MAX_BUCKETS, rows / ROWS_PER_BUCKET));
        String keyText = dialect.keyText(shape.key());
        String bucket = dialect.bucket(keyText, buckets);
        Map<String, Map<Integer, String>> digests = new LinkedHashMap<>();
        for (Map.Entry<String, Connection> master : masters.entrySet()) {
            digests.put(master.getKey(), digests(master.getValue(), table, shape, bucket, keyText));
        }
        List<Integer> apart = bucketsApart(digests);
        Map<String, Map<String, RowVersion<Row>>> versions = new TreeMap<>();
        masters.keySet().forEach(name -> versions.put(name, new TreeMap<>()));
        for (int from = 0; from < apart.size(); from += BUCKETS_PER_READ) {
            List<Integer> chunk = apart.subList(from, Math.min(apart.size(), from + BUCKETS_PER_READ));
            for (Map.Entry<String, Connection> master : masters.entrySet()) {
                readRows(master.getValue(), table, shape, bucket, keyText, chunk, versions.get(master.getKey()));
            }
            if (progress != null) {
                progress.compared(table, from + chunk.size(), apart.size());
            }
        }
        Reconciliation.Plan<String, Row> plan = Reconciliation.<String, Row>byStamp(
                        ConflictPolicy.LWW, clock::now, horizon)
                .plan(versions);
        if (!dryRun && !plan.nothingToDo()) {
            for (Reconciliation.Repair<String, Row> repair : plan.repairs()) {
                write(masters.get(repair.master()), table, shape, repair.version());
            }
            log(table, plan);
        }
        return new TableReport(
                table,
                rows,
                buckets,
                apart.size(),
                plan.decisions().size(),
                plan.repairs().size(),
                plan.refused().size(),
                dryRun,
                Duration.ofNanos(System.nanoTime() - start));
    }

    // ---- the table's shape ----

    /** A table's columns, their types and its primary key, as every master has them. */
    private record Shape(List<String> columns, List<String> types, List<String> key, boolean tombstones) {
        int indexOf(String column) {
            return columns.indexOf(column);
        }
    }

    private Shape shapeOnEveryMaster(String table) throws SQLException {
        if (!TABLE.matcher(table).matches()) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table, "its name is not a plain identifier (letters, digits, _)");
        }
        Shape first = null;
        String firstMaster = null;
        for (Map.Entry<String, Connection> master : masters.entrySet()) {
            Shape shape = shapeOn(master.getValue(), table);
            if (shape.columns().isEmpty()) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table, "master " + master.getKey() + " has no such table");
            }
            if (shape.key().isEmpty()) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table, "it has no primary key on " + master.getKey() + ", and rows are matched by key");
            }
            for (String column : List.of(MetadataColumns.HLC, MetadataColumns.ORIGIN)) {
                if (!shape.columns().contains(column)) {
                    throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                            table,
                            "master " + master.getKey() + " has no column " + column + " (conflict tables need "
                                    + MetadataColumns.HLC + " and " + MetadataColumns.ORIGIN + ")");
                }
            }
            if (first == null) {
                first = shape;
                firstMaster = master.getKey();
            } else if (!first.equals(shape)) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table,
                        "its definition differs between masters: " + describe(firstMaster, first) + "; "
                                + describe(master.getKey(), shape));
            }
        }
        return first;
    }

    private static String describe(String master, Shape shape) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < shape.columns().size(); i++) {
            columns.add(shape.columns().get(i) + " " + shape.types().get(i));
        }
        return master + " has (" + String.join(", ", columns) + ") keyed by " + shape.key();
    }

    private Shape shapeOn(Connection connection, String table) throws SQLException {
        Map<String, String> columns = all.columns(connection, table);
        List<String> key = columns.isEmpty() ? List.of() : all.key(connection, table);
        return new Shape(
                List.copyOf(columns.keySet()),
                List.copyOf(columns.values()),
                key,
                columns.containsKey(MetadataColumns.DELETED));
    }

    // ---- comparing ----

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select count(*) from " + table)) {
            row.next();
            return row.getLong(1);
        }
    }

    private Map<Integer, String> digests(
            Connection connection, String table, Shape shape, String bucket, String keyText) throws SQLException {
        String sql = "select " + bucket + ", " + dialect.digest(dialect.rowText(shape.columns(), "t"), keyText)
                + " from " + table + " t group by 1";
        Map<Integer, String> digests = new TreeMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                digests.put(rows.getInt(1), rows.getString(2));
            }
        }
        return digests;
    }

    /** The buckets whose digests are not the same on every master (missing on some included). */
    private static List<Integer> bucketsApart(Map<String, Map<Integer, String>> digests) {
        TreeSet<Integer> all = new TreeSet<>();
        digests.values().forEach(d -> all.addAll(d.keySet()));
        List<Integer> apart = new ArrayList<>();
        for (Integer bucket : all) {
            String first = null;
            boolean same = true;
            for (Map<Integer, String> master : digests.values()) {
                String digest = master.get(bucket);
                if (first == null) {
                    first = digest == null ? "" : digest;
                } else if (!first.equals(digest == null ? "" : digest)) {
                    same = false;
                }
            }
            if (!same) {
                apart.add(bucket);
            }
        }
        return apart;
    }

    private void readRows(
            Connection connection,
            String table,
            Shape shape,
            String bucket,
            String keyText,
            List<Integer> buckets,
            Map<String, RowVersion<Row>> into)
            throws SQLException {
        String sql = "select " + String.join(", ", shape.columns()) + ", " + keyText + " from " + table + " where "
                + bucket + " in (" + buckets.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        int hlc = shape.indexOf(MetadataColumns.HLC);
        int origin = shape.indexOf(MetadataColumns.ORIGIN);
        int deleted = shape.indexOf(MetadataColumns.DELETED);
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            int width = shape.columns().size();
            while (rows.next()) {
                List<Object> values = new ArrayList<>(width);
                List<String> texts = new ArrayList<>(width);
                for (int i = 1; i <= width; i++) {
                    values.add(rows.getObject(i));
                    texts.add(rows.getString(i));
                }
                Row row = new Row(values, texts);
                long stamp = rows.getLong(hlc + 1);
                String writer = rows.getString(origin + 1);
                boolean tombstone = deleted >= 0 && rows.getBoolean(deleted + 1);
                into.put(
                        rows.getString(width + 1),
                        tombstone
                                ? new RowVersion<>(row, stamp, writer, null, true)
                                : RowVersion.written(row, stamp, writer));
            }
        }
    }

    /** A row's values, compared by their text (a byte array's {@code equals} would make every row differ). */
    private record Row(List<Object> values, List<String> texts) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Row row && texts.equals(row.texts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(texts);
        }

        @Override
        public String toString() {
            return texts.toString();
        }
    }

    // ---- repairing ----

    /**
     * Writes {@code version} on {@code connection}: over an older stamp (never over a newer one that arrived since the
     * comparison), or as a new row where the key is missing.
     */
    private void write(Connection connection, String table, Shape shape, RowVersion<Row> version) throws SQLException {
        List<Object> values = version.value().values();
        List<String> columns = shape.columns();
        String where = shape.key().stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
        String update = "update " + table + " set "
                + columns.stream()
                        .filter(c -> !shape.key().contains(c))
                        .map(c -> c + " = ?")
                        .collect(Collectors.joining(", "))
                + " where " + where + " and (" + MetadataColumns.HLC + " < ? or (" + MetadataColumns.HLC + " = ? and "
                + MetadataColumns.ORIGIN + " < ?))";
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            int index = 1;
            for (int i = 0; i < columns.size(); i++) {
                if (!shape.key().contains(columns.get(i))) {
                    statement.setObject(index++, values.get(i));
                }
            }
            for (String key : shape.key()) {
                statement.setObject(index++, values.get(shape.indexOf(key)));
            }
            statement.setLong(index++, version.hlc());
            statement.setLong(index++, version.hlc());
            statement.setString(index, version.origin());
            if (statement.executeUpdate() > 0) {
                return;
            }
        }
        String insert = "insert into " + table + " (" + String.join(", ", columns) + ") select "
                + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
                + (dialect == MasterDialect.MYSQL ? " from dual" : "") + " where not exists (select 1 from " + table
                + " where " + where + ")";
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            int index = 1;
            for (Object value : values) {
                statement.setObject(index++, value);
            }
            for (String key : shape.key()) {
                statement.setObject(index++, values.get(shape.indexOf(key)));
            }
            statement.executeUpdate();
        }
    }

    /** One row per decision in {@code junction_conflict_log} on the first master (created on every master). */
    private void log(String table, Reconciliation.Plan<String, Row> plan) throws SQLException {
        for (Connection connection : masters.values()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(dialect.logTable());
            }
        }
        String run = UUID.randomUUID().toString();
        Connection first = masters.values().iterator().next();
        try (PreparedStatement insert = first.prepareStatement("insert into junction_conflict_log (run_id, seq,"
                + " table_name, row_key, held, winner, policy) values (?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (Reconciliation.Decision<String, Row> decision : plan.decisions()) {
                insert.setString(1, run);
                insert.setInt(2, ++seq);
                insert.setString(3, table);
                insert.setString(4, decision.key());
                insert.setString(
                        5,
                        decision.held().entrySet().stream()
                                .map(e -> e.getKey() + ": " + describe(e.getValue()))
                                .collect(Collectors.joining("; ")));
                insert.setString(
                        6, decision.winners().stream().map(Reconciler::describe).collect(Collectors.joining("; ")));
                insert.setString(7, decision.policy().propertyValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String describe(RowVersion<Row> version) {
        return (version.deleted() ? "deleted" : version.value().toString()) + " @" + HlcTimestamp.format(version.hlc())
                + " by " + version.origin();
    }

    @Override
    public void close() {
        all.close();
    }
}
