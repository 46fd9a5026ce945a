package dev.junction.driver.reconcile;

import dev.junction.conflict.ConflictPolicy;
import dev.junction.conflict.MariaDbGuardTriggers;
import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.PostgresGuardTriggers;
import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.router.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        Map<String, List<String>> statements = new LinkedHashMap<>();
        List<MasterSetup> setups = new ArrayList<>();
        Map<String, String> first = null;
        String firstMaster = null;
        for (Map.Entry<String, Connection> master : all.connections.entrySet()) {
            Connection connection = master.getValue();
            Map<String, String> columns = all.columns(connection, table);
            if (columns.isEmpty()) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table, "master " + master.getKey() + " has no such table");
            }
            List<String> key = all.key(connection, table);
            if (key.isEmpty()) {
                throw JunctionErrorCode.RECONCILE_REFUSED.exception(
                        table, "it has no primary key on " + master.getKey() + ", and rows are matched by key");
            }
            for (String problem : MetadataColumns.problems(table, ConflictPolicy.LWW, columns)) {
                if (!problem.contains(" has no column ")) { // a missing column is added; a wrong type is not ours
                    throw JunctionErrorCode.RECONCILE_REFUSED.exception(table, problem + " on " + master.getKey());
                }
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
            List<String> run =
                    new ArrayList<>(MetadataColumns.additions(dialect(), table, ConflictPolicy.LWW, columns.keySet()));
            List<String> all = new ArrayList<>(columns.keySet());
            for (MetadataColumns.Column column : MetadataColumns.required(ConflictPolicy.LWW)) {
                if (!all.contains(column.name())) {
                    all.add(column.name());
                }
            }
            if (!run.isEmpty() || !hasGuards(connection, table)) {
                run.addAll(
                        this.all.dialect == MasterDialect.POSTGRESQL
                                ? PostgresGuardTriggers.install(table, key, all)
                                : MariaDbGuardTriggers.install(table, key, all));
            }
            statements.put(master.getKey(), run);
            setups.add(new MasterSetup(master.getKey(), run, notes(connection)));
        }
        if (apply) {
            for (Map.Entry<String, Connection> master : all.connections.entrySet()) {
                apply(master.getValue(), statements.get(master.getKey()));
            }
        }
        return new TableSetup(table, setups, apply);
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

    private Dialect dialect() {
        return all.dialect == MasterDialect.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
    }

    /** Whether the table has Junction's update guard. */
    private boolean hasGuards(Connection connection, String table) throws SQLException {
        String sql = all.dialect == MasterDialect.POSTGRESQL
                ? "select count(*) from pg_trigger where tgname = 'junction_update_guard' and tgrelid ="
                        + " cast(cast('" + table + "' as text) as regclass)"
                : "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND"
                        + " event_object_table = '" + table + "' AND trigger_name = '" + table
                        + "_junction_update_guard'";
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getInt(1) > 0;
        }
    }

    /** What a master's settings lack for the guards to act. */
    private List<String> notes(Connection connection) throws SQLException {
        List<String> notes = new ArrayList<>();
        if (all.dialect != MasterDialect.MYSQL) {
            return notes;
        }
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT @@global.slave_run_triggers_for_rbr, @@global.slave_exec_mode")) {
            row.next();
            if (!"ENFORCE".equalsIgnoreCase(row.getString(1))) {
                notes.add("slave_run_triggers_for_rbr is " + row.getString(1) + ": set it to ENFORCE, or the guard"
                        + " does nothing on replicated changes");
            }
            if (!"IDEMPOTENT".equalsIgnoreCase(row.getString(2))) {
                notes.add("slave_exec_mode is " + row.getString(2) + ": a key inserted on two masters stops"
                        + " replication (error 1062) unless it is IDEMPOTENT");
            }
        }
        return notes;
    }

    @Override
    public void close() {
        all.close();
    }
}
