package dev.junction.conflict;

import dev.junction.router.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How an INSERT of a conflict table brings a deleted row back (design §8): a delete leaves the row as a tombstone, so
 * an INSERT of its key would meet a duplicate key. The INSERT becomes an upsert on the primary key that, where it
 * meets a tombstone, gives the row the INSERT's values (and their defaults to the columns it does not name), a stamp
 * later than the tombstone's, and {@code _deleted = FALSE}; where it meets a live row, it raises the server's own
 * duplicate-key error through the table's {@link TableShape#liveDuplicateFunction() function}, so the application sees
 * what a plain INSERT gives. An upsert the application wrote behaves, on a tombstone, as the INSERT it stands for.
 */
final class Revival {
    private final Dialect dialect;
    private final TableShape shape;
    /** The INSERT's columns, lower-cased. */
    private final Set<String> inserted;
    /** The target's name or alias, as the upsert clause refers to the row it meets. */
    private final String qualifier;

    /** {@code version-vector}: a row brought back or updated by an upsert gets one more write of its master. */
    private final boolean vector;

    Revival(Dialect dialect, TableShape shape, List<String> insertedColumns, String qualifier, boolean vector) {
        this.vector = vector;
        this.dialect = dialect;
        this.shape = shape;
        this.inserted = Set.copyOf(insertedColumns);
        this.qualifier = qualifier;
    }

    private boolean postgres() {
        return dialect == Dialect.POSTGRESQL;
    }

    /** The clause a plain INSERT gets after its rows. */
    String clauseForInsert() {
        String hlc = MetadataColumns.HLC;
        List<String> assignments = new ArrayList<>();
        if (postgres()) {
            assignments.add(hlc + " = CASE WHEN " + deleted() + " THEN GREATEST(" + qualifier + "." + hlc
                    + " + 1, EXCLUDED." + hlc + ") ELSE " + shape.liveDuplicateFunction() + "() END");
        } else {
            // Assignments run left to right and see the columns set before them: the check comes first.
            assignments.add(hlc + " = IF(" + deleted() + ", GREATEST(" + hlc + " + 1, VALUES(" + hlc + ")), "
                    + shape.liveDuplicateFunction() + "())");
        }
        assignments.addAll(vectorAssignment());
        assignments.add(MetadataColumns.ORIGIN + " = " + insertedValue(MetadataColumns.ORIGIN));
        for (TableShape.Column column : shape.valueColumns()) {
            assignments.add(quote(column.name()) + " = " + freshValue(column, true));
        }
        assignments.add(MetadataColumns.DELETED + " = FALSE");
        return (postgres() ? " ON CONFLICT (" + keyList() + ") DO UPDATE SET " : " ON DUPLICATE KEY UPDATE ")
                + String.join(", ", assignments);
    }

    /**
     * The clause that replaces the application's {@code ON CONFLICT (…) DO NOTHING} (PostgreSQL): a tombstone is
     * brought back, a live row left alone.
     */
    String clauseForDoNothing(String target) {
        List<String> assignments = new ArrayList<>();
        for (TableShape.Column column : shape.valueColumns()) {
            assignments.add(quote(column.name()) + " = " + freshValue(column, true));
        }
        assignments.add(MetadataColumns.HLC + " = GREATEST(" + qualifier + "." + MetadataColumns.HLC + " + 1, EXCLUDED."
                + MetadataColumns.HLC + ")");
        assignments.addAll(vectorAssignment());
        assignments.add(MetadataColumns.ORIGIN + " = EXCLUDED." + MetadataColumns.ORIGIN);
        assignments.add(MetadataColumns.DELETED + " = FALSE");
        return "ON CONFLICT " + target + " DO UPDATE SET " + String.join(", ", assignments) + " WHERE " + deleted();
    }

    /** The start of the expression an application's {@code column = …} becomes: the INSERT's value on a tombstone. */
    String beforeAssignedExpression(String column) {
        TableShape.Column shaped = column(column);
        String value = shaped == null ? insertedValue(column) : freshValue(shaped, false);
        return postgres()
                ? "CASE WHEN " + deleted() + " THEN " + value + " ELSE ("
                : "IF(" + deleted() + ", " + value + ", (";
    }

    /** The end of it. */
    String afterAssignedExpression() {
        return postgres() ? ") END" : "))";
    }

    /**
     * The assignments an application's upsert gets after its own: the columns it does not set take the INSERT's
     * values on a tombstone and keep theirs on a live row; then {@code _deleted = FALSE} (last: MariaDB's assignments
     * see the ones before them, and the others ask whether the row was a tombstone).
     */
    List<String> remainingAssignments(Set<String> assigned) {
        List<String> assignments = new ArrayList<>();
        for (TableShape.Column column : shape.valueColumns()) {
            if (!assigned.contains(column.name().toLowerCase(Locale.ROOT))) {
                String name = quote(column.name());
                String kept = postgres() ? qualifier + "." + name : name;
                assignments.add(name + " = "
                        + (postgres()
                                ? "CASE WHEN " + deleted() + " THEN " + freshValue(column, false) + " ELSE " + kept
                                        + " END"
                                : "IF(" + deleted() + ", " + freshValue(column, false) + ", " + kept + ")"));
            }
        }
        return assignments;
    }

    /**
     * {@code version-vector}: the vector of the row an upsert updates or brings back, the row's own with one more write
     * of the INSERT's master; nothing for other tables. Reads the row's vector before any assignment changes it.
     */
    List<String> vectorAssignment() {
        if (!vector) {
            return List.of();
        }
        String current = postgres() ? qualifier + "." + MetadataColumns.VECTOR : MetadataColumns.VECTOR;
        return List.of(MetadataColumns.VECTOR + " = junction_vv_bump(" + current + ", "
                + insertedValue(MetadataColumns.ORIGIN) + ")");
    }

    /** How an application's upsert condition ({@code DO UPDATE … WHERE c}) reads: a tombstone is always brought back. */
    String condition(String applicationCondition) {
        return deleted() + " OR (" + applicationCondition + ")";
    }

    /** The INSERT's value of {@code column}, or its default where the INSERT does not name it. */
    private String freshValue(TableShape.Column column, boolean wholeExpression) {
        if (inserted.contains(column.name().toLowerCase(Locale.ROOT))) {
            return insertedValue(quote(column.name()));
        }
        if (!postgres()) {
            return "DEFAULT(" + quote(column.name()) + ")";
        }
        // PostgreSQL takes DEFAULT only as a whole assignment, not inside CASE: there the default's own expression.
        return wholeExpression ? "DEFAULT" : column.defaultExpression();
    }

    private String insertedValue(String column) {
        return postgres() ? "EXCLUDED." + column : "VALUES(" + column + ")";
    }

    private String deleted() {
        return postgres() ? qualifier + "." + MetadataColumns.DELETED : MetadataColumns.DELETED;
    }

    private String keyList() {
        return String.join(", ", shape.primaryKey().stream().map(this::quote).toList());
    }

    private TableShape.Column column(String lowerCaseName) {
        for (TableShape.Column column : shape.columns()) {
            if (column.name().equalsIgnoreCase(lowerCaseName)) {
                return column;
            }
        }
        return null;
    }

    String quote(String name) {
        return postgres() ? "\"" + name.replace("\"", "\"\"") + "\"" : "`" + name.replace("`", "``") + "`";
    }
}
