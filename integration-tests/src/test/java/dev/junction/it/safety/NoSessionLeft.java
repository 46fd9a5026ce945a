package dev.junction.it.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Checks, on the server, that no session of the application is left once its connections closed: the physical
 * connections a failed replica read left behind, or the monitor's and catalogs' (released after their grace).
 */
final class NoSessionLeft {
    private NoSessionLeft() {}

    /** A question for the number of sessions other than the asking one: {@code sql} counts them. */
    @FunctionalInterface
    interface Node {
        Connection connect() throws SQLException;
    }

    static final String POSTGRES = "select count(*) from pg_stat_activity"
            + " where backend_type = 'client backend' and pid <> pg_backend_pid()";

    static String mariaDb(String user) {
        return "select count(*) from information_schema.processlist where user = '" + user
                + "' and id <> connection_id()";
    }

    /** Waits up to 10 s for {@code sql} to count no session on {@code node}; fails with the last count. */
    static void on(String name, Node node, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int sessions;
        do {
            try (Connection connection = node.connect();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                sessions = rows.getInt(1);
            }
            if (sessions > 0) {
                Thread.sleep(100);
            }
        } while (sessions > 0 && System.nanoTime() < deadline);
        assertThat(sessions)
                .as("application sessions left on " + name + " after every connection closed")
                .isZero();
    }
}
