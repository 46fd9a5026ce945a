package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code transactionReplay=on} against a real primary and replica: a transaction (auto-commit off) that read a balance
 * and moved money loses its primary before its commit. When the primary is crashed and the replica promoted, the
 * transaction is run again there, its read returns the same row and its update changes one row, so it goes on and
 * commits: the application sees nothing. When the row it read was changed by another client before its connection was
 * lost, the replay refuses ({@code 08S02}) and nothing of the transaction is applied.
 */
abstract class TransactionReplayContract {
    static final String PARAMETERS = "transactionReplay=on&failoverTimeout=30s";

    /** A primary and one replica, started; closing it stops them. */
    interface Bed extends AutoCloseable {
        /** The Junction URL of the cluster, with {@code parameters} as its query. */
        String url(String parameters);

        Properties credentials();

        Connection rawPrimary() throws SQLException;

        Connection rawReplica() throws SQLException;

        /** SQL run on the primary as an administrator that ends the session idle in a transaction. */
        String terminateIdleInTransaction();

        void crashPrimaryAndPromoteReplica();

        @Override
        void close();
    }

    abstract Bed start() throws Exception;

    @Test
    void aTransactionGoesOnOnThePromotedNodeAndOneWhoseReadChangedIsRefused() throws Exception {
        Set<String> threadsBefore = LiveThreads.named("junction");
        try (Bed bed = start()) {
            try (Connection raw = bed.rawPrimary();
                    Statement statement = raw.createStatement()) {
                statement.execute("create table accounts (id int primary key, balance int not null)");
                statement.execute("insert into accounts values (1, 100), (2, 100), (3, 100)");
            }
            try (Connection junction = DriverManager.getConnection(bed.url(PARAMETERS), bed.credentials())) {
                junction.setAutoCommit(false);

                // 1. Refused: the row the transaction read changed before its connection was lost.
                assertThat(balance(junction, 3)).isEqualTo(100);
                transfer(junction, 3, 2, 10, true);
                try (Connection raw = bed.rawPrimary();
                        Statement statement = raw.createStatement()) {
                    statement.execute(bed.terminateIdleInTransaction());
                    statement.executeUpdate("update accounts set balance = 500 where id = 3");
                }
                assertThatThrownBy(() -> transfer(junction, 3, 2, 10, false))
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("08S02");
                            assertThat(e.getMessage()).contains("transactionReplay could not", "returned other rows");
                        });
                junction.rollback();
                assertThat(value(bed.rawPrimary(), "select balance from accounts where id = 2"))
                        .as("nothing of the refused transaction applied")
                        .isEqualTo(100);

                // 2. Replayed: the primary crashed mid-transaction, the replica promoted.
                awaitOnReplica(bed, "select balance from accounts where id = 3", 500);
                assertThat(balance(junction, 1)).isEqualTo(100);
                transfer(junction, 1, 2, 10, true);
                bed.crashPrimaryAndPromoteReplica();
                transfer(junction, 1, 2, 10, false); // the lost connection is found here: replayed, then run
                junction.commit();
                assertThat(value(bed.rawReplica(), "select balance from accounts where id = 1"))
                        .isEqualTo(90);
                assertThat(value(bed.rawReplica(), "select balance from accounts where id = 2"))
                        .isEqualTo(110);
            }
        }
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction");
    }

    private static int balance(Connection connection, int id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select balance from accounts where id = ?")) {
            select.setInt(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** The debit (first half) or the credit (second half) of a transfer; each must change one row. */
    private static void transfer(Connection connection, int from, int to, int amount, boolean debit)
            throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update accounts set balance = balance + ? where id = ?")) {
            update.setInt(1, debit ? -amount : amount);
            update.setInt(2, debit ? from : to);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** Waits up to 10 s for the replica to show {@code expected}: the promoted node must hold what was committed. */
    private static void awaitOnReplica(Bed bed, String sql, int expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (value(bed.rawReplica(), sql) != expected) {
            assertThat(System.nanoTime())
                    .as("the replica caught up within 10 s")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The first column of the first row of {@code sql} on {@code connection}, which it closes. */
    private static int value(Connection connection, String sql) throws SQLException {
        try (connection;
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
