package dev.junction.conflict;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Last-writer-wins enforced by a MariaDB master on the row events its replication applies, for one opted-in table: a
 * {@code BEFORE UPDATE} trigger that keeps the row when the change's stamp ({@code _hlc}, then {@code _origin}) is
 * older than the row's, by setting every column of {@code NEW} back to {@code OLD} (MariaDB triggers cannot skip a
 * row). It needs {@code slave_run_triggers_for_rbr=ENFORCE} on every master (MariaDB 10.5.2+): with {@code YES} the
 * replica runs no trigger for an event whose master table had triggers, which in a master-master ring is every event.
 * Measured on MariaDB 10.11 ({@code MariaDbLastWriterWinsGuardIT}): concurrent updates converge on the later stamp.
 * Not covered: a key inserted on both masters; {@code slave_exec_mode=IDEMPOTENT} keeps replication running through
 * it by overwriting without the trigger, so the masters keep each other's insert until read repair or reconcile.
 */
public final class MariaDbGuardTriggers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private MariaDbGuardTriggers() {}

    /**
     * The statements that install the guard on {@code table}; run them with {@code sql_log_bin = 0} on every master
     * (each master gets its own trigger).
     *
     * @param keyColumns the table's primary key columns
     * @param columns every column of the table, the metadata columns included
     */
    public static List<String> install(String table, List<String> keyColumns, List<String> columns) {
        return install(table, keyColumns, columns, TombstoneHorizon.DEFAULT_RETENTION);
    }

    /**
     * The same, with the tombstone retention ({@link TombstoneHorizon}): an INSERT stamped longer ago than
     * {@code retention} fails ({@code 45000}; replicated, it stops replication, loudly), since it could bring back a
     * row whose tombstone was purged. MariaDB triggers cannot skip a row.
     */
    public static List<String> install(
            String table, List<String> keyColumns, List<String> columns, java.time.Duration retention) {
        GuardedTable.check(table, keyColumns, columns, IDENTIFIER);
        String keep = columns.stream()
                .filter(c -> !keyColumns.contains(c))
                .map(c -> "NEW." + c + " = OLD." + c)
                .collect(Collectors.joining(", "));
        String trigger = table + "_junction_update_guard";
        return List.of(
                // An application's INSERT is an upsert that brings a deleted row back (Revival); on a live row it
                // calls this, which fails as a duplicate key does.
                "CREATE OR REPLACE FUNCTION " + table + "_junction_live_duplicate() RETURNS BIGINT NOT DETERMINISTIC"
                        + " NO SQL BEGIN SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062, MESSAGE_TEXT = 'Duplicate"
                        + " entry for key PRIMARY of " + table + "'; RETURN 0; END",
                "DROP TRIGGER IF EXISTS " + table + "_junction_insert_guard",
                "CREATE TRIGGER " + table + "_junction_insert_guard BEFORE INSERT ON " + table + " FOR EACH ROW BEGIN"
                        + " IF NEW._hlc > 0 AND NEW._hlc < ((CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED) - "
                        + retention.toMillis() + ") << 16) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Junction: a"
                        + " write of " + table + " older than tombstoneRetention is refused: it could bring back a row"
                        + " whose tombstone was purged'; END IF; END",
                "DROP TRIGGER IF EXISTS " + trigger,
                "CREATE TRIGGER " + trigger + " BEFORE UPDATE ON " + table + " FOR EACH ROW BEGIN"
                        + " IF OLD._hlc > NEW._hlc OR (OLD._hlc = NEW._hlc AND OLD._origin > NEW._origin) THEN"
                        + " SET " + keep + ";"
                        + " END IF; END");
    }
}
