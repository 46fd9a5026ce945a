package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.jdbc.RoutingConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins end when their cause ends, through a logical connection over fake nodes: once the state that held the session
 * on the primary is gone, plain reads reach the replicas again. The primary is the second seed.
 */
class PinReleaseRoutingTest {
    private FakeCluster.FakeServer primary;
    private RoutingConnection connection;

    @BeforeEach
    void connect() throws SQLException {
        FakeCluster cluster = new FakeCluster("replica", "primary", "replica");
        primary = cluster.server(1);
        connection = cluster.connect("");
    }

    private void run(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Where a plain read runs now. */
    private String readRunsOn() throws SQLException {
        run("select 1");
        return connection.lastNode();
    }

    private void assertReadsOnPrimary() throws SQLException {
        assertThat(readRunsOn()).isEqualTo("h2:5433 primary");
    }

    private void assertReadsOnReplica() throws SQLException {
        assertThat(readRunsOn()).endsWith("replica");
        assertThat(connection.pins()).isEmpty();
    }

    @Test
    void aTemporaryTableCreatedAndDroppedNoLongerHoldsReadsOnThePrimary() throws SQLException {
        run("create temp table scratch (id int)", "insert into scratch values (1)");
        assertReadsOnPrimary();
        assertThat(connection.pins()).containsExactly("temporary table");
        run("drop table scratch");
        assertReadsOnReplica();
        assertThat(primary.statements())
                .containsExactly(
                        "create temp table scratch (id int)",
                        "insert into scratch values (1)",
                        "select 1",
                        "drop table scratch");
    }

    @Test
    void listenPinsUntilUnlistenStar() throws SQLException {
        run("listen jobs", "listen mail", "unlisten jobs");
        assertReadsOnPrimary();
        run("unlisten *");
        assertReadsOnReplica();
    }

    @Test
    void aNamedPreparePinsUntilDeallocated() throws SQLException {
        run("prepare q (int) as select $1", "execute q(1)");
        assertReadsOnPrimary();
        run("deallocate q");
        assertReadsOnReplica();
    }

    @Test
    void aCursorWithHoldPinsUntilClosed() throws SQLException {
        connection.setAutoCommit(false);
        run("declare c cursor with hold for select * from t");
        connection.commit();
        connection.setAutoCommit(true);
        assertReadsOnPrimary();
        run("fetch 10 from c", "close c");
        assertReadsOnReplica();
    }

    @Test
    void serializableSetInSqlPinsUntilTheIsolationLeavesIt() throws SQLException {
        run("set session characteristics as transaction isolation level serializable");
        assertReadsOnPrimary();
        run("set session characteristics as transaction isolation level read committed");
        assertReadsOnReplica();
    }

    @Test
    void serializableSetThroughJdbcEndsWhenTheIsolationChanges() throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        assertReadsOnPrimary();
        assertThat(connection.pins()).containsExactly("SERIALIZABLE isolation");
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        assertReadsOnReplica();
    }

    @Test
    void discardAllReleasesEveryPin() throws SQLException {
        run("create temp table t (id int)", "listen a", "prepare q as select 1", "select pg_advisory_lock(1)");
        assertThat(connection.pins()).containsExactly("temporary table", "listen", "named prepare", "advisory lock");
        run("discard all");
        assertReadsOnReplica();
    }

    @Test
    void aDropCommittedThroughJdbcReleases() throws SQLException {
        run("create temp table t (id int)");
        connection.setAutoCommit(false);
        run("drop table t");
        connection.commit();
        connection.setAutoCommit(true);
        assertReadsOnReplica();
    }

    @Test
    void aDropRolledBackThroughJdbcKeepsThePin() throws SQLException {
        run("create temp table t (id int)");
        connection.setAutoCommit(false);
        run("drop table t");
        connection.rollback();
        connection.setAutoCommit(true);
        assertReadsOnPrimary();
        assertThat(connection.pins()).containsExactly("temporary table");
    }

    @Test
    void aTemporaryTableCreatedInARolledBackTransactionPinsNothing() throws SQLException {
        connection.setAutoCommit(false);
        run("create temp table t (id int)");
        connection.rollback();
        connection.setAutoCommit(true);
        assertReadsOnReplica();
    }

    @Test
    void aDropRolledBackInSqlKeepsThePinAndOneCommittedInSqlReleases() throws SQLException {
        run("create temp table t (id int)", "begin", "drop table t", "rollback");
        assertReadsOnPrimary();
        run("begin", "drop table t", "commit");
        assertReadsOnReplica();
    }

    @Test
    void aDropUndoneByARollbackToASavepointKeepsThePin() throws SQLException {
        run("create temp table t (id int)");
        connection.setAutoCommit(false);
        Savepoint savepoint = connection.setSavepoint();
        run("drop table t");
        connection.rollback(savepoint);
        connection.commit();
        connection.setAutoCommit(true);
        assertReadsOnPrimary();
    }

    @Test
    void aDropInATransactionThatLaterFailedKeepsThePinWhateverTheCommitSays() throws SQLException {
        run("create temp table t (id int)");
        connection.setAutoCommit(false);
        run("drop table t");
        primary.failNext = new SQLException("division by zero", "22012");
        assertThatThrownBy(() -> run("select 1/0 from t")).hasMessageContaining("division by zero");
        connection.commit(); // PostgreSQL rolls an aborted transaction back
        connection.setAutoCommit(true);
        assertReadsOnPrimary();
    }

    @Test
    void losingThePinnedConnectionReleasesThePin() throws SQLException {
        run("create temp table t (id int)");
        primary.failNext = new SQLException("An I/O error occurred", "08006");
        assertThatThrownBy(() -> run("insert into t values (1)"))
                .hasMessageContaining("h2:5433")
                .cause()
                .hasMessageContaining("[node h2:5433 primary]");
        assertReadsOnReplica();
    }

    @Test
    void aTemporaryTableCreatedInABatchIsReleasedOnlyByDiscardTemp() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.addBatch("create temp table t (id int)");
            statement.executeBatch();
        }
        run("drop table t");
        assertReadsOnPrimary();
        run("discard temp");
        assertReadsOnReplica();
    }
}
