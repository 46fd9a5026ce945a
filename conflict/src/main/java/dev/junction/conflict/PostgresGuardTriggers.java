package dev.junction.conflict;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Last-writer-wins enforced by a PostgreSQL master on the changes logical replication applies to it, for one opted-in
 * table: the servers apply each other's row changes without the guards of the statements that made them, so without
 * these triggers a stale change overwrites a newer row and a same-key insert stops the subscription on a duplicate key.
 *
 * <ul>
 *   <li>{@code BEFORE UPDATE}: a change whose stamp ({@code _hlc}, then {@code _origin}) is older than the row's is
 *       skipped ({@code RETURN NULL}), so the row keeps the newer write whichever order the masters see them in.
 *   <li>{@code BEFORE INSERT}, only while applying replication ({@code session_replication_role = replica}, as
 *       apply workers run): an insert of a key the table already has becomes an update of that row (which the update
 *       guard then judges) and the insert is skipped, so the subscription does not stop on a duplicate key.
 *       Applications inserting a key that exists still get {@code 23505}.
 *   <li>{@code t_junction_live_duplicate()}: raises {@code 23505}; the upsert an application's INSERT becomes calls
 *       it where the key holds a live row (a tombstone is brought back instead).
 * </ul>
 *
 * <p>Both are {@code ENABLE ALWAYS} triggers, which fire in apply workers too. Changes a trigger makes inside an
 * apply worker carry the worker's replication origin, so subscriptions created with {@code origin = none} do not send
 * them back. The statements are idempotent ({@code CREATE OR REPLACE}, {@code DROP TRIGGER IF EXISTS}).
 */
public final class PostgresGuardTriggers {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private PostgresGuardTriggers() {}

    /**
     * The statements that install the guards on {@code table}.
     *
     * @param table the table's unquoted, lower-case name (as PostgreSQL folds it)
     * @param keyColumns its primary key's columns
     * @param columns every column of the table, the metadata columns included
     */
    public static List<String> install(String table, List<String> keyColumns, List<String> columns) {
        return install(table, keyColumns, columns, TombstoneHorizon.DEFAULT_RETENTION);
    }

    /**
     * The same, with the tombstone retention ({@link TombstoneHorizon}): a replicated INSERT stamped longer ago than
     * {@code retention} is skipped, since it could bring back a row whose tombstone was purged.
     */
    public static List<String> install(
            String table, List<String> keyColumns, List<String> columns, java.time.Duration retention) {
        GuardedTable.check(table, keyColumns, columns, IDENTIFIER);
        String key = keyColumns.stream().map(c -> c + " = ($1)." + c).collect(Collectors.joining(" AND "));
        String assignments = columns.stream()
                .filter(c -> !keyColumns.contains(c))
                .map(c -> c + " = ($1)." + c)
                .collect(Collectors.joining(", "));
        String updateGuard = "CREATE OR REPLACE FUNCTION " + table + "_junction_update_guard() RETURNS trigger"
                + " LANGUAGE plpgsql AS $guard$\n"
                + "BEGIN\n"
                + "  IF (OLD._hlc, OLD._origin) > (NEW._hlc, NEW._origin) THEN\n"
                + "    RETURN NULL; -- older than the row: the newer write stays\n"
                + "  END IF;\n"
                + "  RETURN NEW;\n"
                + "END\n"
                + "$guard$";
        // Apply workers run with an empty search_path: the table is named by the trigger's schema and name.
        String insertGuard = "CREATE OR REPLACE FUNCTION " + table + "_junction_insert_guard() RETURNS trigger"
                + " LANGUAGE plpgsql AS $guard$\n"
                + "DECLARE\n"
                + "  present boolean;\n"
                + "BEGIN\n"
                + "  IF current_setting('session_replication_role') <> 'replica' THEN\n"
                + "    RETURN NEW; -- an application's insert: a duplicate key is its error to see\n"
                + "  END IF;\n"
                + "  IF NEW._hlc > 0 AND NEW._hlc < (((extract(epoch from clock_timestamp()) * 1000)::bigint - "
                + retention.toMillis() + ") << 16) THEN\n"
                + "    RETURN NULL; -- older than tombstoneRetention: it could bring back a row whose tombstone was purged\n"
                + "  END IF;\n"
                + "  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE " + key + ")', TG_TABLE_SCHEMA,"
                + " TG_TABLE_NAME) INTO present USING NEW;\n"
                + "  IF NOT present THEN\n"
                + "    RETURN NEW;\n"
                + "  END IF;\n"
                + "  EXECUTE format('UPDATE %I.%I SET " + assignments + " WHERE " + key + "', TG_TABLE_SCHEMA,"
                + " TG_TABLE_NAME) USING NEW;\n"
                + "  RETURN NULL; -- applied as an update, judged by the update guard\n"
                + "END\n"
                + "$guard$";
        // An application's INSERT is an upsert that brings a deleted row back (Revival); on a live row it calls this.
        String liveDuplicate = "CREATE OR REPLACE FUNCTION " + table + "_junction_live_duplicate() RETURNS bigint"
                + " LANGUAGE plpgsql AS $guard$\n"
                + "BEGIN\n"
                + "  RAISE unique_violation USING MESSAGE = 'duplicate key value violates the primary key of " + table
                + "';\n"
                + "END\n"
                + "$guard$";
        return List.of(
                updateGuard,
                insertGuard,
                liveDuplicate,
                "DROP TRIGGER IF EXISTS junction_update_guard ON " + table,
                "CREATE TRIGGER junction_update_guard BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                        + table + "_junction_update_guard()",
                "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER junction_update_guard",
                "DROP TRIGGER IF EXISTS junction_insert_guard ON " + table,
                "CREATE TRIGGER junction_insert_guard BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                        + table + "_junction_insert_guard()",
                "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER junction_insert_guard");
    }
}
