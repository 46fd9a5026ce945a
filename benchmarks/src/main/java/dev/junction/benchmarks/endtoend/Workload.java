package dev.junction.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The statements the end-to-end benchmark times, one operation per sample, against a table
 * {@code bench_kv(id int primary key, v text)} of {@link #ROWS} rows.
 */
public enum Workload {
    /** A single-row primary-key SELECT through a PreparedStatement prepared once per connection. */
    POINT_SELECT("point-select", false) {
        @Override
        Operation prepare(Connection connection) throws SQLException {
            PreparedStatement select = connection.prepareStatement("select v from bench_kv where id = ?");
            return () -> {
                select.setInt(1, randomId());
                try (ResultSet rows = select.executeQuery()) {
                    consume(rows);
                }
            };
        }
    },
    /** A single-row UPDATE by primary key in autocommit. */
    POINT_UPDATE("point-update", true) {
        @Override
        Operation prepare(Connection connection) throws SQLException {
            PreparedStatement update = connection.prepareStatement("update bench_kv set v = ? where id = ?");
            return () -> {
                update.setString(1, Long.toString(System.nanoTime()));
                update.setInt(2, randomId());
                update.executeUpdate();
            };
        }
    },
    /** A small read-write transaction: read one row, update another, commit. */
    READ_WRITE_TRANSACTION("read-write-transaction", true) {
        @Override
        Operation prepare(Connection connection) throws SQLException {
            connection.setAutoCommit(false);
            PreparedStatement select = connection.prepareStatement("select v from bench_kv where id = ?");
            PreparedStatement update = connection.prepareStatement("update bench_kv set v = ? where id = ?");
            return () -> {
                select.setInt(1, randomId());
                try (ResultSet rows = select.executeQuery()) {
                    consume(rows);
                }
                update.setString(1, Long.toString(System.nanoTime()));
                update.setInt(2, randomId());
                update.executeUpdate();
                connection.commit();
            };
        }
    },
    /** Prepare, execute five point SELECTs, close: the cost of the prepare path, not only of execution. */
    PREPARED_LOOP("prepared-loop", false) {
        @Override
        Operation prepare(Connection connection) {
            return () -> {
                try (PreparedStatement select = connection.prepareStatement("select v from bench_kv where id = ?")) {
                    for (int i = 0; i < 5; i++) {
                        select.setInt(1, randomId());
                        try (ResultSet rows = select.executeQuery()) {
                            consume(rows);
                        }
                    }
                }
            };
        }
    };

    public static final int ROWS = 10_000;

    private final String label;
    private final boolean writes;

    Workload(String label, boolean writes) {
        this.label = label;
        this.writes = writes;
    }

    public String label() {
        return label;
    }

    public boolean writes() {
        return writes;
    }

    /** {@code point-select,prepared-loop}: the workloads named, by label. */
    public static List<Workload> parseList(String labels) {
        List<Workload> chosen = new ArrayList<>();
        for (String label : labels.split(",")) {
            Workload workload = Arrays.stream(values())
                    .filter(w -> w.label.equals(label.trim()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Unknown workload \"" + label.trim()
                            + "\": expected one of "
                            + Arrays.stream(values()).map(Workload::label).toList()));
            chosen.add(workload);
        }
        return List.copyOf(chosen);
    }

    /** Creates and fills {@code bench_kv}; run once on the primary before any sample. */
    public static void createSchema(Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("drop table if exists bench_kv");
            statement.execute("create table bench_kv(id int primary key, v varchar(64) not null)");
        }
        try (PreparedStatement insert = primary.prepareStatement("insert into bench_kv(id, v) values (?, ?)")) {
            for (int id = 1; id <= ROWS; id++) {
                insert.setInt(1, id);
                insert.setString(2, "value-" + id);
                insert.addBatch();
                if (id % 1000 == 0) {
                    insert.executeBatch();
                }
            }
        }
    }

    abstract Operation prepare(Connection connection) throws SQLException;

    private static int randomId() {
        return ThreadLocalRandom.current().nextInt(1, ROWS + 1);
    }

    private static void consume(ResultSet rows) throws SQLException {
        while (rows.next()) {
            if (rows.getString(1) == null) {
                throw new IllegalStateException("bench_kv.v is never null");
            }
        }
    }

    /** One timed operation on one connection. */
    @FunctionalInterface
    interface Operation {
        void run() throws SQLException;
    }
}
