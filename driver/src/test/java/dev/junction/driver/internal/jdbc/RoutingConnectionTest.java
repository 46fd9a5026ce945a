package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.pipeline.FakeCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing and session replay of a logical connection, over fake nodes. The primary is the second seed, so that
 * nothing passes by assuming the first host is the primary.
 */
class RoutingConnectionTest {
    private FakeCluster cluster;
    private FakeCluster.FakeServer replica1;
    private FakeCluster.FakeServer primary;
    private FakeCluster.FakeServer replica2;
    private RoutingConnection connection;

    @BeforeEach
    void connect() throws SQLException {
        cluster = new FakeCluster("replica", "primary", "replica");
        replica1 = cluster.server(0);
        primary = cluster.server(1);
        replica2 = cluster.server(2);
        connection = cluster.connect("");
    }

    private void run(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void discoversRolesByProbingNotByHostOrder() throws SQLException {
        run("select 1");
        assertThat(connection.topology()).isEqualTo("h1:5432 replica, h2:5433 primary, h3:5434 replica");
    }

    @Test
    void spreadsAutocommitReadsOverReplicas() throws SQLException {
        run("select 1");
        run("select 2");
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(replica2.statements()).containsExactly("select 2");
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void routesWritesDdlLockingReadsAndSideEffectsToPrimary() throws SQLException {
        String[] primaryOnly = {
            "insert into t values (1)",
            "update t set a = 1",
            "delete from t",
            "create table u(id int)",
            "select * from t for update",
            "select nextval('s')",
            "select pg_advisory_xact_lock(1)",
            "with x as (delete from t returning *) select * from x",
            "select 1; select 2",
            "/* junction:replica */ insert into t values (2)"
        };
        for (String sql : primaryOnly) {
            run(sql);
        }
        assertThat(primary.statements()).containsExactly(primaryOnly);
        assertThat(replica1.statements()).isEmpty();
        assertThat(replica2.statements()).isEmpty();
    }

    @Test
    void primaryHintSendsAReadToThePrimary() throws SQLException {
        run("/* junction:primary */ select 1");
        assertThat(primary.statements()).containsExactly("/* junction:primary */ select 1");
    }

    @Test
    void keepsAReadWriteTransactionOnThePrimaryFromItsFirstStatement() throws SQLException {
        connection.setAutoCommit(false);
        run("select 1");
        run("update t set a = 2");
        run("select 3");
        connection.commit();
        assertThat(primary.statements())
                .containsExactly("setAutoCommit=false", "select 1", "update t set a = 2", "select 3", "commit");
        assertThat(replica1.statements()).isEmpty();
    }

    @Test
    void keepsAReadOnlyTransactionOnOneReplica() throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run("select 1");
        run("select 2");
        connection.commit();
        // A replica connection is read-only at the server already: the JDBC flag is not sent to it.
        assertThat(replica1.statements()).containsExactly("setAutoCommit=false", "select 1", "select 2", "commit");
        assertThat(replica2.statements()).isEmpty();
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void replaysSetStatementsOnANodeOpenedLaterInOrder() throws SQLException {
        run("set search_path = s1");
        run("set statement_timeout = 5000");
        run("insert into t values (1)");
        assertThat(replica1.statements()).containsExactly("set search_path = s1", "set statement_timeout = 5000");
        assertThat(primary.statements())
                .containsExactly("set search_path = s1", "set statement_timeout = 5000", "insert into t values (1)");
    }

    @Test
    void aSetThatOpensAReadWriteTransactionRunsOnThePrimaryEvenWhenAReplicaIsOpen() throws SQLException {
        run("select 1");
        connection.setAutoCommit(false);
        run("set search_path = s1");
        run("create table u(id int)");
        connection.commit();
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(primary.statements())
                .containsExactly("setAutoCommit=false", "set search_path = s1", "create table u(id int)", "commit");
    }

    @Test
    void settingTheSameThingAgainReplacesItInTheReplayLog() throws SQLException {
        run("set search_path = s1");
        connection.setSchema("s2");
        run("set search_path = s3");
        run("insert into t values (1)");
        assertThat(primary.statements()).containsExactly("set search_path = s3", "insert into t values (1)");
        assertThat(connection.state().logSize()).isEqualTo(1);
    }

    @Test
    void resetAllDropsServerSettingsFromTheReplayLogButKeepsClientSideOnes() throws SQLException {
        run("set search_path = s1");
        connection.setNetworkTimeout(Runnable::run, 5000);
        run("reset all");
        run("insert into t values (1)");
        run("select 1");
        // RESET ALL may lift a replica connection's read-only guard: it runs on the primary.
        assertThat(primary.statements())
                .containsExactly(
                        "set search_path = s1", "setNetworkTimeout=5000", "reset all", "insert into t values (1)");
        assertThat(replica2.statements()).containsExactly("reset all", "select 1");
        assertThat(replica2.statementsWithGuard())
                .containsSubsequence("reset all", BackendDialect.POSTGRESQL.readOnlySessionSql(), "select 1");
    }

    @Test
    void appliesJdbcSessionSettingsToOpenNodesAtOnceAndToNewOnesBeforeUse() throws SQLException {
        run("select 1");
        connection.setSchema("app");
        connection.setClientInfo("ApplicationName", "orders");
        assertThat(replica1.statements()).containsExactly("select 1", "setSchema=app", "setClientInfo=orders");
        run("insert into t values (1)");
        assertThat(primary.statements())
                .containsExactly("setSchema=app", "setClientInfo=orders", "insert into t values (1)");
        assertThat(connection.getClientInfo("ApplicationName")).isEqualTo("orders");
    }

    @Test
    void replaysIsolationAndReadOnlyBeforeTheTransactionStarts() throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setAutoCommit(false);
        run("update t set a = 1");
        connection.rollback();
        assertThat(primary.statements())
                .containsExactly("setTransactionIsolation=4", "setAutoCommit=false", "update t set a = 1", "rollback");
    }

    @Test
    void temporaryTablePinsTheSessionToThePrimary() throws SQLException {
        run("create temporary table scratch(id int)");
        run("select * from scratch");
        assertThat(primary.statements())
                .containsExactly("create temporary table scratch(id int)", "select * from scratch");
        assertThat(connection.pins()).containsExactly("temporary table");
        run("discard all");
        run("select 2");
        assertThat(replica1.statements()).containsExactly("discard all", "select 2");
        assertThat(connection.pins()).isEmpty();
    }

    @Test
    void setConfigWithBoundArgumentsIsReplayedWithThemInsteadOfPinning() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select set_config('search_path', ?, false)")) {
            statement.setString(1, "app");
            statement.executeQuery().close();
        }
        run("insert into t values (1)");
        run("select 1");
        assertThat(connection.pins()).isEmpty();
        // A set_config may set anything, read-only mode included: it runs on the primary and is replayed on replicas,
        // whose read-only guard is then put back.
        assertThat(primary.statements())
                .containsExactly(
                        "bind 1=app", "select set_config('search_path', ?, false)", "insert into t values (1)");
        assertThat(replica1.statements())
                .containsExactly("bind 1=app", "select set_config('search_path', ?, false)", "select 1");
        assertThat(replica1.statementsWithGuard())
                .endsWith(
                        "select set_config('search_path', ?, false)",
                        BackendDialect.POSTGRESQL.readOnlySessionSql(),
                        "getNetworkTimeout",
                        "setNetworkTimeout=5000",
                        "select 1");
    }

    @Test
    void sessionAdvisoryLocksPinUntilTheLastOneIsReleased() throws SQLException {
        run("select pg_advisory_lock(1)");
        run("select pg_advisory_lock(2)");
        run("select pg_advisory_unlock(1)");
        run("select 1");
        assertThat(connection.pins()).containsExactly("advisory lock");
        run("select pg_advisory_unlock(2)");
        run("select 2");
        assertThat(connection.pins()).isEmpty();
        assertThat(primary.statements())
                .containsExactly(
                        "select pg_advisory_lock(1)",
                        "select pg_advisory_lock(2)",
                        "select pg_advisory_unlock(1)",
                        "select 1",
                        "select pg_advisory_unlock(2)");
        assertThat(replica1.statements()).containsExactly("select 2");
    }

    @Test
    void serializableIsolationPinsToThePrimaryOnPostgres() throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run("select 1");
        connection.commit();
        assertThat(primary.statements()).contains("select 1");
        assertThat(replica1.statements()).isEmpty();
        assertThat(connection.pins()).containsExactly("SERIALIZABLE isolation");
    }

    @Test
    void sqlBeginKeepsTheTransactionOnOneNodeUntilCommit() throws SQLException {
        run("begin");
        run("select 1");
        run("commit");
        run("select 2");
        assertThat(primary.statements()).containsExactly("begin", "select 1", "commit");
        assertThat(replica1.statements()).containsExactly("select 2");
    }

    @Test
    void preparedStatementIsPreparedWhereItRunsAndItsParametersFollowIt() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select * from t where id = ?")) {
            statement.setInt(1, 7);
            statement.executeQuery().close();
            connection.setAutoCommit(false);
            statement.executeQuery().close();
            connection.commit();
        }
        assertThat(replica1.statements()).containsExactly("bind 1=7", "select * from t where id = ?");
        assertThat(primary.statements())
                .containsExactly("setAutoCommit=false", "bind 1=7", "select * from t where id = ?", "commit");
    }

    @Test
    void updatableResultSetsReadFromThePrimaryTheyWriteThrough() throws SQLException {
        try (Statement statement =
                connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)) {
            statement.executeQuery("select * from t").close();
        }
        assertThat(primary.statements()).containsExactly("select * from t");
    }

    @Test
    void batchesRunOnThePrimary() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select ?")) {
            statement.setInt(1, 1);
            statement.addBatch();
            statement.setInt(1, 2);
            statement.addBatch();
            statement.executeBatch();
        }
        assertThat(primary.statements())
                .containsExactly("bind 1=1", "addBatch", "bind 1=2", "addBatch", "batch select ?");
    }

    @Test
    void backendErrorsKeepStateVendorCodeAndSubclassAndNameTheNode() throws SQLException {
        run("select 1");
        SQLTransactionRollbackException original =
                new SQLTransactionRollbackException("could not serialize access", "40001", 7);
        primary.failNext = original;
        assertThatThrownBy(() -> run("update t set a = 1"))
                .isInstanceOf(SQLTransactionRollbackException.class)
                .hasMessage("could not serialize access [node h2:5433 primary]")
                .hasCause(original)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("40001");
                    assertThat(((SQLException) e).getErrorCode()).isEqualTo(7);
                });
    }

    @Test
    void lostConnectionIsDroppedAndReopenedOnNextUse() throws SQLException {
        run("insert into t values (1)");
        primary.failNext = new SQLException("An I/O error occurred", "08006");
        // the write may have committed before the connection died: outcome unknown, never retried
        assertThatThrownBy(() -> run("insert into t values (2)"))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08007"))
                .hasMessageContaining("h2:5433")
                .hasCauseInstanceOf(SQLException.class)
                .cause()
                .hasMessageContaining("[node h2:5433 primary]");
        run("insert into t values (3)");
        // probe, first session, the re-probe a lost connection triggers, the reopened session
        assertThat(primary.connectionsOpened).isEqualTo(4);
    }

    @Test
    void wrappersLeadBackToWrappersNeverToBackendObjects() throws SQLException {
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1");
        assertThat(rows.getStatement()).isSameAs(statement);
        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(rows.getObject(2)).isInstanceOf(JunctionResultSet.class);
        assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
        assertThat(connection.getMetaData().getTables(null, null, "%", null).getStatement())
                .isNull();
        assertThat(connection.unwrap(JunctionConnection.class)).isSameAs(connection);
    }

    @Test
    void closeClosesEveryPhysicalConnectionItOpened() throws SQLException {
        run("select 1");
        run("insert into t values (1)");
        connection.close();
        assertThat(connection.pipeline().sessions().all()).isEmpty();
        assertThat(replica1.log).endsWith("close");
        assertThat(primary.log).endsWith("close");
        assertThatThrownBy(() -> run("select 1")).hasMessageContaining("closed");
    }

    @Test
    void toStringNamesNodesAndRolesNeverCredentials() throws SQLException {
        run("select 1");
        assertThat(connection.toString()).matches("JunctionConnection@[0-9a-f]+ \\[replica h1:5432\\]");
        Statement statement = connection.createStatement();
        statement.execute("insert into t values (1)");
        assertThat(statement.toString()).endsWith("[primary h2:5433]");
    }
}
