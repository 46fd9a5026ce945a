package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.FunctionCatalog;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions that MySQL/MariaDB open and close through SQL text ({@code SET autocommit}, {@code XA}, implicit
 * commits) keep the logical connection's transaction state exactly as the server sees it, over fake nodes: every
 * statement of such a transaction runs on its node, and reads go back to replicas when the server has ended it.
 */
class SqlTransactionStateTest {
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
        // Transactions start on the primary here: these tests are about transaction state set in SQL, not about
        // transactions that start on replicas (TransactionMoveTest).
        ConnectionSettings settings = cluster.settings("?transactionRouting=primary");
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        connection =
                cluster.connect(settings, topology, RouterStatementRouting.create(Backend.MYSQL, FunctionCatalog.NONE));
    }

    private void run(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void assertNoReplicaRan(String... statements) {
        assertThat(replica1.statements()).doesNotContain(statements);
        assertThat(replica2.statements()).doesNotContain(statements);
    }

    @Test
    void setAutocommitOffInSqlKeepsEveryStatementOnThePrimaryUntilCommitAndShowsInGetAutoCommit() throws SQLException {
        for (String off : new String[] {"SET autocommit=0", "SET @@autocommit = 0", "SET SESSION autocommit = OFF"}) {
            run(off);
            assertThat(connection.getAutoCommit()).as(off).isFalse();
            run("INSERT INTO t VALUES (1)");
            run("SELECT count(*) FROM t");
            run("COMMIT");
            run("SELECT count(*) FROM t");
            assertThat(connection.getAutoCommit()).isFalse();
            run("SET autocommit=1");
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertNoReplicaRan("SET autocommit=0", "INSERT INTO t VALUES (1)", "SELECT count(*) FROM t");
        assertThat(primary.statements())
                .startsWith(
                        "SET autocommit=0",
                        "INSERT INTO t VALUES (1)",
                        "SELECT count(*) FROM t",
                        "COMMIT",
                        "SELECT count(*) FROM t",
                        "SET autocommit=1");
        run("SELECT 1");
        assertThat(replica1.statements()).containsExactly("SELECT 1");
    }

    @Test
    void setAutocommitOnEndsTheOpenTransaction() throws SQLException {
        run("SET autocommit=0");
        run("SELECT 1");
        run("SET autocommit=1");
        run("SELECT 2");
        assertThat(primary.statements()).containsExactly("SET autocommit=0", "SELECT 1", "SET autocommit=1");
        assertThat(replica1.statements()).containsExactly("SELECT 2");
    }

    @Test
    void setAutocommitThatJunctionCannotReadIsRefusedBeforeItRuns() {
        assertThatThrownBy(() -> run("SET autocommit = 0, sql_mode = ''"))
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("setAutoCommit")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void anXaTransactionRunsOnThePrimaryFromStartToCommit() throws SQLException {
        run("XA START 'x'");
        run("INSERT INTO t VALUES (1)");
        run("SELECT count(*) FROM t");
        run("XA END 'x'");
        run("XA PREPARE 'x'");
        run("XA COMMIT 'x'");
        run("SELECT count(*) FROM t");
        assertThat(primary.statements())
                .containsExactly(
                        "XA START 'x'",
                        "INSERT INTO t VALUES (1)",
                        "SELECT count(*) FROM t",
                        "XA END 'x'",
                        "XA PREPARE 'x'",
                        "XA COMMIT 'x'");
        assertThat(replica1.statements()).containsExactly("SELECT count(*) FROM t");
    }

    @Test
    void ddlCommitsATransactionOpenedInSqlAndReadsLeaveThePrimaryAgain() throws SQLException {
        run("START TRANSACTION");
        run("INSERT INTO t VALUES (1)");
        run("CREATE TABLE u (id INT)");
        run("SELECT 1");
        assertThat(primary.statements())
                .containsExactly("START TRANSACTION", "INSERT INTO t VALUES (1)", "CREATE TABLE u (id INT)");
        assertThat(replica1.statements()).containsExactly("SELECT 1");
    }

    @Test
    void commitAndChainKeepsTheTransactionOnItsNode() throws SQLException {
        run("START TRANSACTION");
        run("INSERT INTO t VALUES (1)");
        run("COMMIT AND CHAIN");
        run("SELECT 1");
        run("COMMIT");
        run("SELECT 2");
        assertThat(primary.statements())
                .containsExactly(
                        "START TRANSACTION", "INSERT INTO t VALUES (1)", "COMMIT AND CHAIN", "SELECT 1", "COMMIT");
        assertThat(replica1.statements()).containsExactly("SELECT 2");
    }
}
