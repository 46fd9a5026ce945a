package dev.junction.driver.reconcile;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL reconcile sends, for PostgreSQL or MySQL/MariaDB: the same bucket of a key and the same digest of a bucket
 * on every master of one kind, from the rows' text.
 */
enum MasterDialect {
    POSTGRESQL {
        @Override
        String keyText(List<String> key) {
            return "concat_ws('|', " + key.stream().map(c -> c + "::text").collect(Collectors.joining(", ")) + ")";
        }

        @Override
        String rowText(List<String> columns, String alias) {
            return alias + "::text"; // the row literal: every column, in order, NULLs told apart
        }

        @Override
        String bucket(String keyText, int buckets) {
            return "((('x' || substr(md5(" + keyText + "), 1, 7))::bit(28)::int) % " + buckets + ")";
        }

        @Override
        String digest(String rowText, String keyText) {
            return "md5(string_agg(" + rowText + ", '|' order by " + keyText + "))";
        }

        @Override
        String columnsQuery() {
            return "select column_name, data_type from information_schema.columns where table_schema = current_schema()"
                    + " and table_name = ? order by ordinal_position";
        }

        @Override
        String keyQuery() {
            return "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum ="
                    + " any(i.indkey) where i.indisprimary and i.indrelid = cast(cast(? as text) as regclass) order by"
                    + " array_position(i.indkey, a.attnum)";
        }

        @Override
        String logTable() {
            return "create table if not exists junction_conflict_log (run_id varchar(36) not null, seq int not null,"
                    + " table_name varchar(128) not null, row_key text not null, held text not null,"
                    + " winner text not null, policy varchar(20) not null, decided_at timestamp not null default"
                    + " current_timestamp, primary key (run_id, seq))";
        }
    },
    MYSQL {
        @Override
        String keyText(List<String> key) {
            return "CONCAT_WS('|', " + String.join(", ", key) + ")";
        }

        @Override
        String rowText(List<String> columns, String alias) {
            return "CONCAT_WS(',', "
                    + columns.stream().map(c -> "QUOTE(" + c + ")").collect(Collectors.joining(", ")) + ")";
        }

        @Override
        String bucket(String keyText, int buckets) {
            return "(CONV(SUBSTR(MD5(" + keyText + "), 1, 7), 16, 10) % " + buckets + ")";
        }

        @Override
        String digest(String rowText, String keyText) {
            return "MD5(GROUP_CONCAT(" + rowText + " ORDER BY " + keyText + " SEPARATOR '|'))";
        }

        @Override
        String columnsQuery() {
            return "SELECT column_name, column_type FROM information_schema.columns WHERE table_schema = DATABASE()"
                    + " AND table_name = ? ORDER BY ordinal_position";
        }

        @Override
        String keyQuery() {
            return "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = DATABASE()"
                    + " AND table_name = ? AND constraint_name = 'PRIMARY' ORDER BY ordinal_position";
        }

        @Override
        String logTable() {
            return "CREATE TABLE IF NOT EXISTS junction_conflict_log (run_id VARCHAR(36) NOT NULL, seq INT NOT NULL,"
                    + " table_name VARCHAR(128) NOT NULL, row_key TEXT NOT NULL, held TEXT NOT NULL,"
                    + " winner TEXT NOT NULL, policy VARCHAR(20) NOT NULL, decided_at TIMESTAMP NOT NULL DEFAULT"
                    + " CURRENT_TIMESTAMP, PRIMARY KEY (run_id, seq))";
        }
    };

    /** The key's columns as one text: what orders rows and picks their bucket. */
    abstract String keyText(List<String> key);

    /** A row as one text, the same on every master whose table has the same columns. */
    abstract String rowText(List<String> columns, String alias);

    /** The bucket of a key, from {@code 0} to {@code buckets - 1}. */
    abstract String bucket(String keyText, int buckets);

    /** The digest of a bucket's rows, in key order. */
    abstract String digest(String rowText, String keyText);

    /** The table's columns and types, in order; one parameter, the table's name. */
    abstract String columnsQuery();

    /** The primary key's columns, in order; one parameter, the table's name. */
    abstract String keyQuery();

    /** Creates the conflict log, if it is not there. */
    abstract String logTable();
}
