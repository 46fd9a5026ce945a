package dev.junction.driver.reconcile;

import dev.junction.conflict.ConflictPolicy;
import dev.junction.conflict.MariaDbGuardTriggers;
import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.PostgresGuardTriggers;
import dev.junction.conflict.SiblingGuards;
import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.router.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Makes a table ready to be a {@code conflictTables} table on every master (what {@code junction conflict-tables}
 * runs): adds the metadata columns it lacks ({@link MetadataColumns#additions}) and installs the guard triggers that
 * make each master judge replicated changes by their stamps ({@link PostgresGuardTriggers},
 * {@link MariaDbGuardTriggers}). Refuses, changing nothing, a table that is missing on a master, has no primary key,
 * has a metadata column of the wrong type, or whose columns differ between masters. Says what the servers' settings
 * lack for the guards to act (MariaDB's {@code slave_run_triggers_for_rbr=ENFORCE}, {@code slave_exec_mode}).
 * With {@code apply} false it only reports what it would run.
 */
public final class ConflictTableSetup implements AutoCloseable {
    /** What one master needs, or got: the statements, and what its settings lack. */
    public record MasterSetup(String master, List<String> statements, List<String> notes) {}

    /** One table's setup on every master. */
    public record TableSetup(String table, List<MasterSetup> masters, boolean applied) {
        /** Whether every master had the columns and guards already (nothing to run). */
        public boolean ready() {
            return masters.stream().allMatch(master -> master.statements().isEmpty());
        }
    }

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Masters all;

    private ConflictTableSetup(Masters all) {
        this.all = all;
    }

    /** Connects to every master of a Junction URL; the credentials need the right to alter the tables. */
    public static ConflictTableSetup open(String url, Properties info) throws SQLException {
        return new ConflictTableSetup(Masters.open(url, info));
    }

    /** The tables of the URL's {@code conflictTables}. */
    public List<String> conflictTables() {
        return all.conflictTables.stream().map(ConflictTable::table).toList();
    }

    /** Checks {@code table} on every master and, with {@code apply}, adds its columns and installs its guards. */
    public TableSetup prepare(String table, boolean apply) throws SQLException {
        if (!TABLE.matcher(table).matches()) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table, "its name is not a plain identifier (letters, digits, _)");
        }
        ConflictPolicy policy = policyOf(table);
        List<MasterSetup> setups = new ArrayList<>();
        Map<String, String> first = null;
        String firstMaster = null;
        for (Map.Entry<String, Connection> master : all.connections.entrySet()) {
            Map<String, String> columns = all.columns(master.getValue(), table);
            if (columns.isEmpty()) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table, "master " + master.getKey() + " has no such table");
            }
            if (first == null) {
                first = columns;
                firstMaster = master.getKey();
            } else if (!first.equals(columns)) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table,
                        "its columns differ between masters: " + firstMaster + " has " + first + ", " + master.getKey()
                                + " has " + columns);
            }
            setups.add(checkOn(master.getKey(), master.getValue(), table, policy, columns));
        }
        if (apply) {
            for (MasterSetup setup : setups) {
                apply(all.connections.get(setup.master()), setup.statements());
            }
        }
        return new TableSetup(table, setups, apply);
    }

    /**
     * What {@code table}, with {@code columns} (not empty), needs on one master; refused when it cannot be prepared
     * there.
     */
    private MasterSetup checkOn(
            String master, Connection connection, String table, ConflictPolicy policy, Map<String, String> columns)
            throws SQLException {
        List<String> key = all.key(connection, table);
        if (key.isEmpty()) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table, "it has no primary key on " + master + ", and rows are matched by key");
        }
        if (policy == ConflictPolicy.COUNTER && !key.contains(MetadataColumns.ORIGIN)) {
            throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                    table,
                    "it is a counter table, whose primary key must include " + MetadataColumns.ORIGIN
                            + " (one row per key and master), and on " + master + " it is " + key);
        }
        for (String problem : MetadataColumns.problems(table, policy, columns)) {
            if (!problem.contains(" has no column ")) { // a missing column is added; a wrong type is not ours
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(table, problem + " on " + master);
            }
        }
        List<String> run = new ArrayList<>(MetadataColumns.additions(dialect(), table, policy, columns.keySet()));
        List<String> withMetadata = new ArrayList<>(columns.keySet());
        for (MetadataColumns.Column column : MetadataColumns.required(policy)) {
            if (!withMetadata.contains(column.name())) {
                withMetadata.add(column.name());
            }
        }
        if (!run.isEmpty() || !hasGuards(connection, table, policy)) {
            boolean postgres = all.dialect == MasterDialect.POSTGRESQL;
            run.addAll(
                    policy == ConflictPolicy.VERSION_VECTOR
                            ? (postgres
                                    ? SiblingGuards.postgres(table, key, withMetadata, all.tombstoneRetention)
                                    : SiblingGuards.mariaDb(table, key, withMetadata, all.tombstoneRetention))
                            : postgres
                                    ? PostgresGuardTriggers.install(table, key, withMetadata, all.tombstoneRetention)
                                    : MariaDbGuardTriggers.install(table, key, withMetadata, all.tombstoneRetention));
        }
        return new MasterSetup(master, run, notes(connection, policy));
    }

    /**
     * Runs each master's own statements there, kept from replication where the user may (a replicated ALTER would
     * fail on a master that ran its own); without that privilege, MariaDB's ALTERs run on the first master alone and
     * reach the others by replication.
     */
    private void apply(Connection connection, List<String> statements) throws SQLException {
        if (statements.isEmpty()) {
            return;
        }
        boolean local = Masters.keepWritesLocal(connection, all.dialect);
        boolean first = connection == all.connections.values().iterator().next();
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                if (!local && !first && all.dialect == MasterDialect.MYSQL && sql.startsWith("ALTER TABLE")) {
                    continue;
                }
                statement.execute(sql);
            }
        }
    }

    /** The table's policy in the URL's {@code conflictTables}; {@code lww} for a table not listed there. */
    private ConflictPolicy policyOf(String table) {
        for (ConflictTable configured : all.conflictTables) {
            if (configured.table().equalsIgnoreCase(table)) {
                return switch (configured.policy()) {
                    case COUNTER -> ConflictPolicy.COUNTER;
                    case VERSION_VECTOR -> ConflictPolicy.VERSION_VECTOR;
                    default -> ConflictPolicy.LWW;
                };
            }
        }
        return ConflictPolicy.LWW;
    }

    private Dialect dialect() {
        return all.dialect == MasterDialect.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
    }

    /** Whether the table has Junction's update guard and the function its INSERTs call on a live duplicate. */
    private boolean hasGuards(Connection connection, String table, ConflictPolicy policy) throws SQLException {
        if (policy == ConflictPolicy.VERSION_VECTOR && !hasSiblingTable(connection, table)) {
            return false;
        }
        String sql = all.dialect == MasterDialect.POSTGRESQL
                ? "select count(*) * (select count(*) from pg_proc where proname = '" + table
                        + "_junction_live_duplicate') from pg_trigger where tgname = 'junction_update_guard' and"
                        + " tgrelid = cast(cast('" + table + "' as text) as regclass)"
                : "SELECT COUNT(*) * (SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema ="
                        + " DATABASE() AND routine_name = '" + table + "_junction_live_duplicate') FROM"
                        + " information_schema.triggers WHERE trigger_schema = DATABASE() AND event_object_table = '"
                        + table + "' AND trigger_name IN ('" + table + "_junction_update_guard', '" + table
                        + "_junction_insert_guard')";
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            // MariaDB has two guard triggers (update, insert); PostgreSQL one update guard counted here.
            return row.getInt(1) >= (all.dialect == MasterDialect.POSTGRESQL ? 1 : 2);
        }
    }

    /** Whether the sibling table of a {@code version-vector} table exists. */
    private boolean hasSiblingTable(Connection connection, String table) throws SQLException {
        String siblings = SiblingGuards.siblingTable(table);
        String sql = all.dialect == MasterDialect.POSTGRESQL
                ? "select count(*) from pg_class where oid = to_regclass('" + siblings + "')"
                : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '"
                        + siblings + "'";
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getInt(1) > 0;
        }
    }

    /** What a master's settings lack for the guards to act. */
    private List<String> notes(Connection connection, ConflictPolicy policy) throws SQLException {
        List<String> notes = new ArrayList<>();
        if (all.dialect != MasterDialect.MYSQL) {
            return notes;
        }
        try (Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("SELECT @@global.slave_run_triggers_for_rbr, @@global.slave_exec_mode,"
                                + " @@global.replicate_wild_ignore_table")) {
            row.next();
            if (!"ENFORCE".equalsIgnoreCase(row.getString(1))) {
                notes.add("slave_run_triggers_for_rbr is " + row.getString(1) + ": set it to ENFORCE, or the guard"
                        + " does nothing on replicated changes");
            }
            if (!"IDEMPOTENT".equalsIgnoreCase(row.getString(2))) {
                notes.add("slave_exec_mode is " + row.getString(2) + ": a key inserted on two masters stops"
                        + " replication (error 1062) unless it is IDEMPOTENT");
            }
            String ignored = row.getString(3) == null ? "" : row.getString(3);
            if (policy == ConflictPolicy.VERSION_VECTOR && !ignored.contains("_junction_siblings")) {
                notes.add("replicate_wild_ignore_table is \"" + ignored + "\": add %.%_junction_siblings, or applying a"
                        + " replicated change whose guard keeps a sibling stops replication (error 1442: each master"
                        + " keeps its own sibling table)");
            }
        }
        return notes;
    }

    @Override
    public void close() {
        all.close();
    }
}
