package dev.junction.conflict;

import dev.junction.router.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The columns Junction stamps on a table opted in for conflict resolution (design §8): {@code _hlc} (the write's
 * hybrid logical timestamp, a {@code BIGINT}), {@code _origin} (the master whose client wrote it), {@code _deleted} (a
 * tombstone) and, under {@code version-vector}, {@code _vv} (the version vector's text). What to add to a table that
 * lacks them ({@link #additions}) and what is wrong with a table that has them ({@link #problems}); {@code junction
 * reconcile} refuses a table with problems on any master. A {@code counter} table holds one row per key and origin,
 * its primary key ending in {@code _origin}: that shape is the application's to create, and is checked elsewhere.
 */
public final class MetadataColumns {
    /** The write's hybrid logical timestamp. */
    public static final String HLC = "_hlc";
    /** The origin (master) whose client wrote the row. */
    public static final String ORIGIN = "_origin";
    /** Whether the row is a tombstone. */
    public static final String DELETED = "_deleted";
    /** The version vector, as {@link VersionVector#format} writes it. */
    public static final String VECTOR = "_vv";

    /** A metadata column: its name, the types that can hold it, and how {@link #additions} declares it. */
    public record Column(String name, Pattern acceptedTypes, String postgres, String mysql) {
        String definition(Dialect dialect) {
            return name + " " + (dialect == Dialect.POSTGRESQL ? postgres : mysql);
        }
    }

    private static final Column HLC_COLUMN = new Column(
            HLC,
            Pattern.compile("bigint|int8|bigint\\(\\d+\\)"),
            "BIGINT NOT NULL DEFAULT 0",
            "BIGINT NOT NULL DEFAULT 0");
    private static final Column ORIGIN_COLUMN = new Column(
            ORIGIN,
            Pattern.compile("(character varying|varchar)(\\(\\d+\\))?|text"),
            "VARCHAR(64) NOT NULL DEFAULT ''",
            "VARCHAR(64) NOT NULL DEFAULT ''");
    private static final Column DELETED_COLUMN = new Column(
            DELETED,
            Pattern.compile("boolean|bool|tinyint\\(1\\)|tinyint"),
            "BOOLEAN NOT NULL DEFAULT FALSE",
            "BOOLEAN NOT NULL DEFAULT FALSE");
    private static final Column VECTOR_COLUMN = new Column(
            VECTOR,
            Pattern.compile("(character varying|varchar)(\\(\\d+\\))?|text|mediumtext"),
            "TEXT NOT NULL DEFAULT ''",
            "VARCHAR(2048) NOT NULL DEFAULT ''");

    private MetadataColumns() {}

    /** The metadata columns a table under {@code policy} needs. */
    public static List<Column> required(ConflictPolicy policy) {
        return switch (policy) {
            case LWW -> List.of(HLC_COLUMN, ORIGIN_COLUMN, DELETED_COLUMN);
            case VERSION_VECTOR -> List.of(HLC_COLUMN, ORIGIN_COLUMN, DELETED_COLUMN, VECTOR_COLUMN);
            case COUNTER -> List.of(HLC_COLUMN, ORIGIN_COLUMN);
        };
    }

    /**
     * The statements that add the metadata columns {@code table} lacks; none when it has them all.
     *
     * @param table the table's name as it is written in SQL (quoted if it must be)
     * @param existing the table's column names, any case
     */
    public static List<String> additions(Dialect dialect, String table, ConflictPolicy policy, Set<String> existing) {
        Set<String> present = lowerCase(existing);
        List<String> statements = new ArrayList<>();
        for (Column column : required(policy)) {
            if (!present.contains(column.name())) {
                statements.add("ALTER TABLE " + table + " ADD COLUMN " + column.definition(dialect));
            }
        }
        return statements;
    }

    /**
     * What keeps {@code table} from being stamped under {@code policy}: each missing metadata column, and each of a
     * type that cannot hold what Junction writes there. Empty when the table is ready.
     *
     * @param columnTypes the table's columns and their types as the catalog names them ({@code bigint}, {@code
     *     character varying(64)}, {@code tinyint(1)}), any case
     */
    public static List<String> problems(String table, ConflictPolicy policy, Map<String, String> columnTypes) {
        Map<String, String> types = new java.util.HashMap<>();
        columnTypes.forEach((name, type) -> types.put(
                name.toLowerCase(Locale.ROOT), type.toLowerCase(Locale.ROOT).trim()));
        List<String> problems = new ArrayList<>();
        for (Column column : required(policy)) {
            String type = types.get(column.name());
            if (type == null) {
                problems.add(table + " has no column " + column.name() + " (" + policy.propertyValue()
                        + " tables need it; add it with: " + column.postgres() + " on PostgreSQL, " + column.mysql()
                        + " on MySQL/MariaDB)");
            } else if (!column.acceptedTypes().matcher(type).matches()) {
                problems.add(table + "." + column.name() + " is " + type + ", which cannot hold what Junction writes"
                        + " there; expected " + column.postgres() + " (PostgreSQL) or " + column.mysql()
                        + " (MySQL/MariaDB)");
            }
        }
        return problems;
    }

    private static Set<String> lowerCase(Set<String> names) {
        Set<String> lower = new java.util.HashSet<>();
        names.forEach(name -> lower.add(name.toLowerCase(Locale.ROOT)));
        return lower;
    }
}
