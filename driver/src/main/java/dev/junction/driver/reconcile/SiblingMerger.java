package dev.junction.driver.reconcile;

import dev.junction.conflict.HybridLogicalClock;
import dev.junction.conflict.MergeFunction;
import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.RowVersion;
import dev.junction.conflict.SiblingGuards;
import dev.junction.conflict.Siblings;
import dev.junction.conflict.VersionVector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The application's merge of a {@code version-vector} table's siblings ({@link SiblingGuards}): for each key with a
 * sibling on any master, every version the masters hold (the row and its siblings, tombstones included) is gathered,
 * the versions another includes are dropped ({@link Siblings}), the {@link MergeFunction} merges the rest, and the
 * merged row, stamped now with the versions' vectors merged and one more write, is written on every master, where
 * it clears the siblings it includes. A merge that races a new concurrent write leaves that write as a sibling for the
 * next merge: nothing is dropped.
 */
final class SiblingMerger {
    private final Map<String, Connection> masters;
    private final MasterDialect dialect;
    private final HybridLogicalClock clock;
    private final String origin;

    SiblingMerger(Map<String, Connection> masters, MasterDialect dialect, HybridLogicalClock clock) {
        this.masters = masters;
        this.dialect = dialect;
        this.clock = clock;
        // The merge is a write of its own, by the first master's name as stamping spells origins.
        this.origin = masters.keySet().iterator().next().replace(':', '_');
    }

    /** Merges every key of {@code table} that has siblings; returns how many keys were merged. */
    int merge(String table, List<String> columns, List<String> key, MergeFunction<Map<String, Object>> merge)
            throws SQLException {
        Set<List<Object>> keys = new LinkedHashSet<>();
        String siblings = SiblingGuards.siblingTable(table);
        for (Connection connection : masters.values()) {
            try (Statement statement = connection.createStatement();
                    ResultSet rows =
                            statement.executeQuery("select distinct " + String.join(", ", key) + " from " + siblings)) {
                while (rows.next()) {
                    List<Object> values = new ArrayList<>();
                    for (int i = 1; i <= key.size(); i++) {
                        values.add(rows.getObject(i));
                    }
                    keys.add(values);
                }
            }
        }
        for (List<Object> keyValues : keys) {
            List<RowVersion<Map<String, Object>>> versions = new ArrayList<>();
            for (Connection connection : masters.values()) {
                versions.addAll(versions(connection, table, columns, key, keyValues));
                versions.addAll(versions(connection, siblings, columns, key, keyValues));
            }
            RowVersion<Map<String, Object>> merged = Siblings.of(versions).resolve(merge, origin, clock::now);
            Map<String, Object> values = new LinkedHashMap<>(latest(versions).value());
            if (merged.value() != null) {
                values.putAll(merged.value());
            }
            for (Connection connection : masters.values()) {
                write(connection, table, columns, key, values, merged);
            }
        }
        return keys.size();
    }

    /** The versions of the key held in {@code source} on one master. */
    private List<RowVersion<Map<String, Object>>> versions(
            Connection connection, String source, List<String> columns, List<String> key, List<Object> keyValues)
            throws SQLException {
        String where = key.stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
        List<RowVersion<Map<String, Object>>> versions = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select " + String.join(", ", columns) + " from " + source + " where " + where)) {
            for (int i = 0; i < keyValues.size(); i++) {
                select.setObject(i + 1, keyValues.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        values.put(columns.get(i), rows.getObject(i + 1));
                    }
                    long hlc = ((Number) values.remove(MetadataColumns.HLC)).longValue();
                    String writer = (String) values.remove(MetadataColumns.ORIGIN);
                    VersionVector vector = VersionVector.parse(String.valueOf(values.remove(MetadataColumns.VECTOR)));
                    Object deleted = values.remove(MetadataColumns.DELETED);
                    boolean tombstone = deleted instanceof Boolean b ? b : ((Number) deleted).intValue() != 0;
                    versions.add(new RowVersion<>(values, hlc, writer, vector, tombstone));
                }
            }
        }
        return versions;
    }

    private static RowVersion<Map<String, Object>> latest(List<RowVersion<Map<String, Object>>> versions) {
        RowVersion<Map<String, Object>> latest = versions.get(0);
        for (RowVersion<Map<String, Object>> version : versions) {
            if (version.stampedAfter(latest)) {
                latest = version;
            }
        }
        return latest;
    }

    /** The merged row on one master (an upsert its guard judges), then the siblings it includes gone. */
    private void write(
            Connection connection,
            String table,
            List<String> columns,
            List<String> key,
            Map<String, Object> values,
            RowVersion<Map<String, Object>> merged)
            throws SQLException {
        boolean postgres = dialect == MasterDialect.POSTGRESQL;
        String assignments = columns.stream()
                .filter(c -> !key.contains(c))
                .map(c -> c + " = " + (postgres ? "EXCLUDED." + c : "VALUES(" + c + ")"))
                .collect(Collectors.joining(", "));
        String upsert = "insert into " + table + " (" + String.join(", ", columns) + ") values ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")"
                + (postgres
                        ? " on conflict (" + String.join(", ", key) + ") do update set "
                        : " on duplicate key update ")
                + assignments;
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                Object value = switch (column) {
                    case MetadataColumns.HLC -> merged.hlc();
                    case MetadataColumns.ORIGIN -> merged.origin();
                    case MetadataColumns.VECTOR -> merged.vector().format();
                    case MetadataColumns.DELETED -> merged.deleted();
                    default -> values.get(column);
                };
                statement.setObject(i + 1, value);
            }
            statement.executeUpdate();
        }
        String where = key.stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
        try (PreparedStatement delete = connection.prepareStatement("delete from "
                + SiblingGuards.siblingTable(table) + " where " + where + " and junction_vv_covers(?, "
                + MetadataColumns.VECTOR + ")")) {
            int index = 1;
            for (String column : key) {
                delete.setObject(index++, values.get(column));
            }
            delete.setString(index, merged.vector().format());
            delete.executeUpdate();
        }
    }
}
