package dev.junction.conflict;

import java.util.List;

/**
 * What statement stamping must know of a conflict table to bring a deleted row back when the application inserts its
 * key again (design §8): the table's schema, its primary key, and its other columns with their defaults, metadata and
 * generated columns left out. The driver reads it from the home master's catalog.
 *
 * @param schema the schema (PostgreSQL) or database (MySQL, MariaDB) that holds the table
 * @param primaryKey the primary key's columns, in order
 * @param columns every column the application writes (primary key included), in the table's order
 */
public record TableShape(String schema, String table, List<String> primaryKey, List<Column> columns) {
    /**
     * One column: its name, and the SQL expression of its default ({@code NULL} when it has none), which a deleted
     * row brought back takes when the INSERT does not name the column.
     */
    public record Column(String name, String defaultExpression) {}

    public TableShape {
        primaryKey = List.copyOf(primaryKey);
        columns = List.copyOf(columns);
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("conflict table " + table + " has no primary key");
        }
    }

    /** The columns outside the primary key: what a deleted row brought back is given afresh. */
    public List<Column> valueColumns() {
        return columns.stream()
                .filter(column -> primaryKey.stream().noneMatch(key -> key.equalsIgnoreCase(column.name())))
                .toList();
    }

    /**
     * The function that raises a duplicate-key error ({@code 23505} on PostgreSQL, {@code 1062}/{@code 23000} on
     * MariaDB) when an INSERT meets a live row of this table, named in the table's schema; installed with the guards
     * ({@code junction conflict-tables}).
     */
    public String liveDuplicateFunction() {
        return schema + "." + table + "_junction_live_duplicate";
    }
}
