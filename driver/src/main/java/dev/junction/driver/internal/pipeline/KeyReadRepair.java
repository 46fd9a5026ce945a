package dev.junction.driver.internal.pipeline;

import dev.junction.conflict.KeyRead;
import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.TableShape;
import dev.junction.conflict.TableShapes;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read repair ({@code readRepair=on}, design §8): before an auto-commit read of one row of a {@code lww} conflict table
 * by its whole primary key runs, the row is fetched from every master up, the winner picked by stamp ({@code _hlc},
 * then {@code _origin}; a tombstone is a version like any other) and written to each master that misses it or holds an
 * older version; then the application's read runs on its home master, which holds the winner. The repair is an upsert
 * of the whole row, which the masters' guard triggers judge by stamp like any replicated change, so it never undoes a
 * newer write that raced it and repeating it changes nothing. A master that cannot be reached or repaired is logged and
 * skipped: the read goes on, and reconcile settles the rest.
 */
public final class KeyReadRepair {
    private static final System.Logger LOG = System.getLogger("dev.junction.conflicts");

    /** Binds the application's parameter {@code applicationParameter} to {@code statement} at {@code index}. */
    @FunctionalInterface
    public interface KeyValues {
        KeyValues NONE = (statement, index, parameter) -> {
            throw new SQLException("Parameter " + parameter + " is not set.", "07001");
        };

        void bind(PreparedStatement statement, int index, int applicationParameter) throws SQLException;
    }

    /** Opens (or finds) a connection to a master, in the logical connection's session state. */
    @FunctionalInterface
    interface Masters {
        Connection connectionTo(Node master) throws SQLException;
    }

    /** One master's version of the row: its columns' values, stamp and origin. */
    private record Version(Object[] values, long hlc, String origin) {
        boolean olderThan(Version other) {
            return hlc != other.hlc ? hlc < other.hlc : origin.compareTo(other.origin) < 0;
        }
    }

    private final ClusterTopology topology;
    private final TableShapes shapes;
    private final boolean postgres;

    KeyReadRepair(ClusterTopology topology, TableShapes shapes, boolean postgres) {
        this.topology = topology;
        this.shapes = shapes;
        this.postgres = postgres;
    }

    /** Repairs the row {@code read} names on every master up; returns how many masters were written. */
    int repair(KeyRead read, KeyValues values, Masters masters) throws SQLException {
        TableShape shape;
        try {
            shape = shapes.of(read.table());
        } catch (TableShapes.ShapeUnavailableException e) {
            throw new SQLException("Read repair of " + read.table() + " cannot run: " + e.getMessage(), "55000", e);
        }
        List<String> columns = new ArrayList<>();
        shape.columns().forEach(column -> columns.add(column.name()));
        columns.add(MetadataColumns.HLC);
        columns.add(MetadataColumns.ORIGIN);
        columns.add(MetadataColumns.DELETED);
        Map<Node, Version> versions = fetchFromEveryMaster(read, values, masters, shape, columns);
        Version winner = null;
        for (Version version : versions.values()) {
            if (version != null && (winner == null || winner.olderThan(version))) {
                winner = version;
            }
        }
        int repaired = 0;
        for (Map.Entry<Node, Version> master : versions.entrySet()) {
            Version held = master.getValue();
            if (winner == null || (held != null && !held.olderThan(winner))) {
                continue;
            }
            try {
                write(masters.connectionTo(master.getKey()), shape, columns, winner);
                repaired++;
            } catch (SQLException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Read repair of {0} could not write {1}: {2}",
                        read.table(),
                        master.getKey().address(),
                        e.getMessage());
            }
        }
        if (repaired > 0) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Read repair of {0} {1}: {2} master(s) given the version of {3}@{4}",
                    read.table(),
                    read.key(),
                    repaired,
                    winner.origin(),
                    winner.hlc());
        }
        return repaired;
    }

    /** Each master up and the version it holds (null: none); a master that does not answer is left out. */
    private Map<Node, Version> fetchFromEveryMaster(
            KeyRead read, KeyValues values, Masters masters, TableShape shape, List<String> columns) {
        Map<Node, Version> versions = new LinkedHashMap<>();
        for (Node master : topology.nodes()) {
            if (master.role() != ProbedRole.PRIMARY) {
                continue;
            }
            try {
                versions.put(master, fetch(masters.connectionTo(master), shape, columns, read, values));
            } catch (SQLException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Read repair of {0} skips {1}, which did not answer: {2}",
                        read.table(),
                        master.address(),
                        e.getMessage());
            }
        }
        return versions;
    }

    private Version fetch(Connection connection, TableShape shape, List<String> columns, KeyRead read, KeyValues values)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(String.join(", ", columns.stream().map(this::quote).toList()));
        sql.append(" FROM ").append(table(shape)).append(" WHERE ");
        List<Integer> parameters = new ArrayList<>();
        for (int i = 0; i < read.key().size(); i++) {
            KeyRead.Part part = read.key().get(i);
            sql.append(i == 0 ? "" : " AND ").append(quote(part.column())).append(" = ");
            if (part.parameter() > 0) {
                sql.append('?');
                parameters.add(part.parameter());
            } else {
                sql.append(part.literal());
            }
        }
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                values.bind(select, i + 1, parameters.get(i));
            }
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Object[] held = new Object[columns.size()];
                for (int i = 0; i < held.length; i++) {
                    held[i] = row.getObject(i + 1);
                }
                return new Version(held, row.getLong(columns.size() - 2), row.getString(columns.size() - 1));
            }
        }
    }

    private void write(Connection connection, TableShape shape, List<String> columns, Version winner)
            throws SQLException {
        List<String> assignments = new ArrayList<>();
        for (String column : columns) {
            if (shape.primaryKey().stream().noneMatch(column::equalsIgnoreCase)) {
                assignments.add(quote(column) + " = "
                        + (postgres ? "EXCLUDED." + quote(column) : "VALUES(" + quote(column) + ")"));
            }
        }
        String sql = "INSERT INTO " + table(shape) + " ("
                + String.join(", ", columns.stream().map(this::quote).toList())
                + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")"
                + (postgres
                        ? " ON CONFLICT ("
                                + String.join(
                                        ", ",
                                        shape.primaryKey().stream()
                                                .map(this::quote)
                                                .toList()) + ") DO UPDATE SET "
                        : " ON DUPLICATE KEY UPDATE ")
                + String.join(", ", assignments);
        try (PreparedStatement upsert = connection.prepareStatement(sql)) {
            for (int i = 0; i < columns.size(); i++) {
                upsert.setObject(i + 1, winner.values()[i]);
            }
            upsert.executeUpdate();
        }
    }

    private String table(TableShape shape) {
        return quote(shape.schema()) + "." + quote(shape.table());
    }

    private String quote(String name) {
        return postgres ? "\"" + name.replace("\"", "\"\"") + "\"" : "`" + name.replace("`", "``") + "`";
    }
}
