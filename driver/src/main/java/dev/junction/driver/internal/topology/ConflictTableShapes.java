package dev.junction.driver.internal.topology;

import dev.junction.conflict.MetadataColumns;
import dev.junction.conflict.TableShape;
import dev.junction.conflict.TableShapes;
import dev.junction.driver.internal.backend.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@link TableShape}s of a cluster's conflict tables (primary key, columns, defaults), read from the home master's
 * catalog over the topology's {@link CatalogConnection} the first time an INSERT of the table is stamped, and kept for
 * {@link #TTL_NANOS} or until DDL runs through Junction. Unlike the other catalogs this one is asked synchronously:
 * an INSERT cannot be stamped without its table's key, and a refusal is better than a guess.
 */
public final class ConflictTableShapes implements TableShapes {
    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Set<String> METADATA =
            Set.of(MetadataColumns.HLC, MetadataColumns.ORIGIN, MetadataColumns.DELETED, MetadataColumns.VECTOR);
    private static final String POSTGRES = "select n.nspname, c.relname, a.attname,"
            + " coalesce(pg_get_expr(d.adbin, d.adrelid), 'NULL'), array_position(i.indkey::int2[], a.attnum)"
            + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            + " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''"
            + " left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum"
            + " left join pg_index i on i.indrelid = c.oid and i.indisprimary"
            + " where c.oid = to_regclass(?) order by a.attnum";
    private static final String MYSQL = "select c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, 'NULL',"
            + " (select k.ORDINAL_POSITION from information_schema.KEY_COLUMN_USAGE k where k.CONSTRAINT_NAME = 'PRIMARY'"
            + " and k.TABLE_SCHEMA = c.TABLE_SCHEMA and k.TABLE_NAME = c.TABLE_NAME and k.COLUMN_NAME = c.COLUMN_NAME)"
            + " from information_schema.COLUMNS c where c.TABLE_SCHEMA = coalesce(?, database()) and c.TABLE_NAME = ?"
            + " and c.EXTRA not like '%GENERATED%' order by c.ORDINAL_POSITION";

    private record Answer(TableShape shape, long atNanos) {}

    private final CatalogConnection catalog;
    private final Backend backend;
    private final ConcurrentMap<String, Answer> answers = new ConcurrentHashMap<>();

    ConflictTableShapes(CatalogConnection catalog, Backend backend) {
        this.catalog = catalog;
        this.backend = backend;
    }

    @Override
    public TableShape of(String configuredTable) {
        String key = configuredTable.toLowerCase(Locale.ROOT);
        Answer answer = answers.get(key);
        if (answer != null && System.nanoTime() - answer.atNanos() < TTL_NANOS) {
            return answer.shape();
        }
        TableShape shape;
        try {
            shape = catalog.onPrimary(connection -> read(connection, configuredTable));
        } catch (SQLException e) {
            throw new ShapeUnavailableException(
                    "its primary key and columns could not be read from the home master's catalog (" + e.getMessage()
                            + "); an INSERT must know them to bring a deleted row back",
                    e);
        }
        answers.put(key, new Answer(shape, System.nanoTime()));
        return shape;
    }

    /** DDL ran through Junction: a table may have changed. */
    public void forgetAll() {
        answers.clear();
    }

    private TableShape read(Connection connection, String configuredTable) throws SQLException {
        int dot = configuredTable.lastIndexOf('.');
        String schema = dot < 0 ? null : configuredTable.substring(0, dot);
        String name = dot < 0 ? configuredTable : configuredTable.substring(dot + 1);
        boolean postgres = backend == Backend.POSTGRESQL;
        try (PreparedStatement query = connection.prepareStatement(postgres ? POSTGRES : MYSQL)) {
            if (postgres) {
                query.setString(1, configuredTable);
            } else {
                query.setString(1, schema);
                query.setString(2, name);
            }
            String tableSchema = null;
            String tableName = null;
            TreeMap<Integer, String> key = new TreeMap<>();
            List<TableShape.Column> columns = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tableSchema = rows.getString(1);
                    tableName = rows.getString(2);
                    String column = rows.getString(3);
                    int keyPosition = rows.getInt(5);
                    if (!rows.wasNull()) {
                        key.put(keyPosition, column);
                    }
                    if (!METADATA.contains(column.toLowerCase(Locale.ROOT))) {
                        columns.add(new TableShape.Column(column, rows.getString(4)));
                    }
                }
            }
            if (tableName == null) {
                throw new ShapeUnavailableException(
                        "the home master has no table " + configuredTable + "; create it, then run junction"
                                + " conflict-tables",
                        null);
            }
            if (key.isEmpty()) {
                throw new ShapeUnavailableException(
                        configuredTable + " has no primary key; a conflict table needs one", null);
            }
            return new TableShape(tableSchema, tableName, List.copyOf(key.values()), columns);
        }
    }
}
