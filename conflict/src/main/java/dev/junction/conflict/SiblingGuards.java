package dev.junction.conflict;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code version-vector} policy enforced by each master on the changes it applies (design §8): the row keeps the
 * last-writer-wins winner, so that every master holds the same row, and a version the winner's vector does not
 * include (a concurrent write) is kept, never dropped, in the table's sibling table {@code t_junction_siblings} (the
 * table's columns, keyed by its primary key, {@code _origin} and {@code _hlc}) until the application merges it. A
 * version whose vector includes a sibling's supersedes it: the sibling is deleted as the version is applied, on every
 * master, so a merge written on one master clears the siblings everywhere as it replicates. Both masters of a
 * concurrent pair keep the same sibling (the one that loses by stamp: one master keeps its own former row, the other
 * the change it refused).
 *
 * <p>Vectors are {@link VersionVector#format} text; {@code junction_vv_covers(a, b)} says whether {@code a} includes
 * {@code b} and {@code junction_vv_bump(vv, origin)} adds one write of {@code origin} (stamping uses it). Origins hold
 * neither {@code ,} nor {@code :}.
 */
public final class SiblingGuards {
    private static final Pattern POSTGRES_NAMES = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern MARIADB_NAMES = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SiblingGuards() {}

    /** The sibling table of {@code table}. */
    public static String siblingTable(String table) {
        return table + "_junction_siblings";
    }

    /** PostgreSQL: the functions, the sibling table and the guards of a {@code version-vector} table. */
    public static List<String> postgres(String table, List<String> keyColumns, List<String> columns) {
        return postgres(table, keyColumns, columns, TombstoneHorizon.DEFAULT_RETENTION);
    }

    /** The same, with the tombstone retention of the insert guard ({@link PostgresGuardTriggers}). */
    public static List<String> postgres(
            String table, List<String> keyColumns, List<String> columns, java.time.Duration retention) {
        GuardedTable.check(table, keyColumns, columns, POSTGRES_NAMES);
        String siblings = siblingTable(table);
        String keep = "INSERT INTO " + siblings + " SELECT ($1).* ON CONFLICT DO NOTHING";
        String key = keyColumns.stream().map(c -> "s." + c + " = ($1)." + c).collect(Collectors.joining(" AND "));
        String guard = "CREATE OR REPLACE FUNCTION " + table + "_junction_update_guard() RETURNS trigger"
                + " LANGUAGE plpgsql SET search_path FROM CURRENT AS $guard$\n"
                + "BEGIN\n"
                + "  IF (OLD._hlc, OLD._origin) > (NEW._hlc, NEW._origin) THEN\n"
                + "    IF NOT junction_vv_covers(OLD._vv, NEW._vv) THEN\n"
                + "      EXECUTE '" + keep + "' USING NEW; -- concurrent and older: kept as a sibling\n"
                + "    END IF;\n"
                + "    RETURN NULL;\n"
                + "  END IF;\n"
                + "  IF NOT junction_vv_covers(NEW._vv, OLD._vv) THEN\n"
                + "    EXECUTE '" + keep + "' USING OLD; -- the row it replaces was concurrent: kept\n"
                + "  END IF;\n"
                + "  EXECUTE 'DELETE FROM " + siblings + " s WHERE " + key
                + " AND junction_vv_covers(($1)._vv, s._vv)' USING NEW;\n"
                + "  RETURN NEW;\n"
                + "END\n"
                + "$guard$";
        List<String> lww = PostgresGuardTriggers.install(table, keyColumns, columns, retention);
        return java.util.stream.Stream.of(
                        List.of(
                                postgresCovers(),
                                postgresBump(),
                                "CREATE TABLE IF NOT EXISTS " + siblings + " (LIKE " + table + " INCLUDING DEFAULTS,"
                                        + " PRIMARY KEY (" + String.join(", ", keyColumns) + ", _origin, _hlc))"),
                        List.of(guard),
                        lww.subList(1, lww.size())) // the insert guard and the triggers as for lww
                .flatMap(List::stream)
                .toList();
    }

    private static String postgresCovers() {
        return "CREATE OR REPLACE FUNCTION junction_vv_covers(a text, b text) RETURNS boolean LANGUAGE plpgsql"
                + " IMMUTABLE AS $vv$\n"
                + "DECLARE\n"
                + "  e text;\n"
                + "  counts jsonb := '{}';\n"
                + "BEGIN\n"
                + "  IF b IS NULL OR b = '' THEN RETURN true; END IF;\n"
                + "  IF a IS NOT NULL AND a <> '' THEN\n"
                + "    FOREACH e IN ARRAY string_to_array(a, ',') LOOP\n"
                + "      counts := counts || jsonb_build_object(split_part(e, ':', 1), split_part(e, ':', 2)::bigint);\n"
                + "    END LOOP;\n"
                + "  END IF;\n"
                + "  FOREACH e IN ARRAY string_to_array(b, ',') LOOP\n"
                + "    IF coalesce((counts ->> split_part(e, ':', 1))::bigint, 0) < split_part(e, ':', 2)::bigint THEN\n"
                + "      RETURN false;\n"
                + "    END IF;\n"
                + "  END LOOP;\n"
                + "  RETURN true;\n"
                + "END\n"
                + "$vv$";
    }

    private static String postgresBump() {
        return "CREATE OR REPLACE FUNCTION junction_vv_bump(vv text, origin text) RETURNS text LANGUAGE plpgsql"
                + " IMMUTABLE AS $vv$\n"
                + "DECLARE\n"
                + "  e text;\n"
                + "  found boolean := false;\n"
                + "  parts text[] := '{}';\n"
                + "BEGIN\n"
                + "  IF vv IS NOT NULL AND vv <> '' THEN\n"
                + "    FOREACH e IN ARRAY string_to_array(vv, ',') LOOP\n"
                + "      IF split_part(e, ':', 1) = origin THEN\n"
                + "        parts := parts || (origin || ':' || (split_part(e, ':', 2)::bigint + 1));\n"
                + "        found := true;\n"
                + "      ELSE\n"
                + "        parts := parts || e;\n"
                + "      END IF;\n"
                + "    END LOOP;\n"
                + "  END IF;\n"
                + "  IF NOT found THEN parts := parts || (origin || ':1'); END IF;\n"
                + "  RETURN array_to_string(parts, ',');\n"
                + "END\n"
                + "$vv$";
    }

    /** MariaDB: the functions, the sibling table and the guard of a {@code version-vector} table. */
    public static List<String> mariaDb(String table, List<String> keyColumns, List<String> columns) {
        return mariaDb(table, keyColumns, columns, TombstoneHorizon.DEFAULT_RETENTION);
    }

    /** The same, with the tombstone retention of the insert guard ({@link MariaDbGuardTriggers}). */
    public static List<String> mariaDb(
            String table, List<String> keyColumns, List<String> columns, java.time.Duration retention) {
        GuardedTable.check(table, keyColumns, columns, MARIADB_NAMES);
        String siblings = siblingTable(table);
        String names = String.join(", ", columns);
        String keepNew = "INSERT IGNORE INTO " + siblings + " (" + names + ") VALUES ("
                + columns.stream().map(c -> "NEW." + c).collect(Collectors.joining(", ")) + ");";
        String keepOld = "INSERT IGNORE INTO " + siblings + " (" + names + ") VALUES ("
                + columns.stream().map(c -> "OLD." + c).collect(Collectors.joining(", ")) + ");";
        String restore = columns.stream()
                .filter(c -> !keyColumns.contains(c))
                .map(c -> "NEW." + c + " = OLD." + c)
                .collect(Collectors.joining(", "));
        String key = keyColumns.stream().map(c -> c + " = NEW." + c).collect(Collectors.joining(" AND "));
        String trigger = table + "_junction_update_guard";
        List<String> lwwMariaDb = MariaDbGuardTriggers.install(table, keyColumns, columns, retention);
        return List.of(
                mariaDbCovers(),
                mariaDbBump(),
                lwwMariaDb.get(0), // the live-duplicate function
                lwwMariaDb.get(1), // and the insert guard
                lwwMariaDb.get(2),
                "CREATE TABLE IF NOT EXISTS " + siblings + " LIKE " + table,
                "ALTER TABLE " + siblings + " DROP PRIMARY KEY, ADD PRIMARY KEY (" + String.join(", ", keyColumns)
                        + ", _origin, _hlc)",
                "DROP TRIGGER IF EXISTS " + trigger,
                "CREATE TRIGGER " + trigger + " BEFORE UPDATE ON " + table + " FOR EACH ROW BEGIN"
                        + " IF OLD._hlc > NEW._hlc OR (OLD._hlc = NEW._hlc AND OLD._origin > NEW._origin) THEN"
                        + " IF NOT junction_vv_covers(OLD._vv, NEW._vv) THEN " + keepNew + " END IF;"
                        + " SET " + restore + ";"
                        + " ELSE"
                        + " IF NOT junction_vv_covers(NEW._vv, OLD._vv) THEN " + keepOld + " END IF;"
                        + " DELETE FROM " + siblings + " WHERE " + key + " AND junction_vv_covers(NEW._vv, _vv);"
                        + " END IF; END");
    }

    private static String mariaDbCovers() {
        return "CREATE OR REPLACE FUNCTION junction_vv_covers(a TEXT, b TEXT) RETURNS BOOLEAN DETERMINISTIC NO SQL"
                + " BEGIN"
                + " DECLARE rest TEXT DEFAULT COALESCE(b, '');"
                + " DECLARE entry TEXT;"
                + " DECLARE origin TEXT;"
                + " DECLARE pos INT;"
                + " DECLARE held BIGINT;"
                + " WHILE rest <> '' DO"
                + " SET entry = SUBSTRING_INDEX(rest, ',', 1);"
                + " SET rest = IF(LOCATE(',', rest) > 0, SUBSTRING(rest, LOCATE(',', rest) + 1), '');"
                + " SET origin = SUBSTRING_INDEX(entry, ':', 1);"
                + " SET pos = LOCATE(CONCAT(',', origin, ':'), CONCAT(',', COALESCE(a, '')));"
                + " IF pos = 0 THEN RETURN FALSE; END IF;"
                + " SET held = CAST(SUBSTRING_INDEX(SUBSTRING(CONCAT(',', a), pos + CHAR_LENGTH(origin) + 2), ',', 1)"
                + " AS UNSIGNED);"
                + " IF held < CAST(SUBSTRING_INDEX(entry, ':', -1) AS UNSIGNED) THEN RETURN FALSE; END IF;"
                + " END WHILE;"
                + " RETURN TRUE;"
                + " END";
    }

    private static String mariaDbBump() {
        return "CREATE OR REPLACE FUNCTION junction_vv_bump(vv TEXT, origin TEXT) RETURNS TEXT DETERMINISTIC NO SQL"
                + " BEGIN"
                + " DECLARE padded TEXT DEFAULT CONCAT(',', COALESCE(vv, ''));"
                + " DECLARE pos INT DEFAULT LOCATE(CONCAT(',', origin, ':'), padded);"
                + " DECLARE digits INT;"
                + " DECLARE held BIGINT;"
                + " IF COALESCE(vv, '') = '' THEN RETURN CONCAT(origin, ':1'); END IF;"
                + " IF pos = 0 THEN RETURN CONCAT(vv, ',', origin, ':1'); END IF;"
                + " SET digits = pos + CHAR_LENGTH(origin) + 2;"
                + " SET held = CAST(SUBSTRING_INDEX(SUBSTRING(padded, digits), ',', 1) AS UNSIGNED);"
                + " RETURN SUBSTRING(CONCAT(SUBSTRING(padded, 1, digits - 1), held + 1,"
                + " SUBSTRING(padded, digits + CHAR_LENGTH(CAST(held AS CHAR)))), 2);"
                + " END";
    }
}
