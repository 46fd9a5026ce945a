package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard of replica connections (read-only at the server, bounded by {@code replicaReadTimeout}) and the one retry
 * of an auto-commit statement a replica refused or lost, over fake nodes. That a real MariaDB replica refuses a write
 * under the guard, privileged user included, is shown by the adversarial integration tests.
 */
class ReplicaGuardTest {
    private static final String GUARD = BackendDialect.POSTGRESQL.readOnlySessionSql();

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
        connection = cluster.connect("?replicaReadTimeout=3s");
    }

    private void run(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void replicaConnectionsAreReadOnlyAtTheServerAndBoundedBeforeTheirFirstStatement() throws SQLException {
        run("select 1");
        run("insert into t values (1)");
        assertThat(replica1.statementsWithGuard()).containsExactly(GUARD, "setNetworkTimeout=3000", "select 1");
        assertThat(primary.statementsWithGuard()).containsExactly("insert into t values (1)");
    }

    @Test
    void aStatementSettingTheReadOnlyModeRunsOnThePrimaryAndIsNeverReplayedOnAReplica() throws SQLException {
        run("select 1");
        run("set transaction_read_only = off");
        run("set default_transaction_read_only = off");
        run("select 2");
        assertThat(primary.statements())
                .containsExactly("set transaction_read_only = off", "set default_transaction_read_only = off");
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(replica2.statements()).containsExactly("select 2");
    }

    @Test
    void aReplayedChangeThatMayLiftTheGuardIsFollowedByTheGuard() throws SQLException {
        run("set session characteristics as transaction read write");
        run("select 1");
        assertThat(primary.statements()).containsExactly("set session characteristics as transaction read write");
        assertThat(replica1.statementsWithGuard())
                .containsSubsequence(GUARD, "set session characteristics as transaction read write", GUARD, "select 1");
    }

    @Test
    void theApplicationsNetworkTimeoutCannotUnboundAReplicaConnection() throws SQLException {
        run("select 1");
        connection.setNetworkTimeout(Runnable::run, 0);
        run("select 2");
        // The fake reports no timeout after the application's change: the guard's bound is set again, on the client
        // only (HikariCP sets the timeout around every validation: no round trip for it).
        assertThat(replica1.statementsWithGuard())
                .containsSubsequence("setNetworkTimeout=0", "getNetworkTimeout", "setNetworkTimeout=3000");
        assertThat(replica1.statementsWithGuard()).containsOnlyOnce(GUARD);
    }

    @Test
    void theJdbcReadOnlyFlagIsNeverSentToAReplicaConnection() throws SQLException {
        run("select 1");
        connection.setReadOnly(true);
        connection.setReadOnly(false);
        run("select 2");
        run("select 3");
        assertThat(replica1.statements()).doesNotContain("setReadOnly=false", "setReadOnly=true");
        assertThat(replica2.statements()).doesNotContain("setReadOnly=false", "setReadOnly=true");
    }

    @Test
    void anAutoCommitReadThatAReplicaRefusesAsReadOnlyRunsOnThePrimaryAndIsCounted() throws SQLException {
        run("select 1");
        run("select 2");
        replica1.failNext = new SQLException("cannot execute INSERT in a read-only transaction", "25006");
        run("select 3"); // round robin: replica1's turn; the classifier took it for a read, the replica knew better
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(primary.statements()).containsExactly("select 3");
        Node refusing = connection.pipeline().sessions().all().stream()
                .map(NodeSession::node)
                .filter(node -> node.address().equals(replica1.address))
                .findFirst()
                .orElseThrow();
        assertThat(refusing.readOnlyRefusals()).isEqualTo(1);
        assertThat(refusing.role()).isEqualTo(ProbedRole.REPLICA);
    }

    @Test
    void aStatementRefusedInsideAReadOnlyTransactionFailsLikeOnThePlainDriver() throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run("select 1");
        replica1.failNext = new SQLException("cannot execute INSERT in a read-only transaction", "25006");
        assertThatThrownBy(() -> run("select 3"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void anAutoCommitReadWhoseReplicaIsLostRunsOnceMoreElsewhere() throws SQLException {
        run("select 1");
        run("select 2");
        replica1.failStatements = new SQLException("An I/O error occurred while sending to the backend", "08006");
        run("select 3");
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(replica2.statements()).containsExactly("select 2", "select 3");
    }

    @Test
    void aReadRetriedElsewhereThatFailsAgainReportsBothFailures() throws SQLException {
        run("select 1");
        run("select 2");
        SQLException lost = new SQLException("An I/O error occurred while sending to the backend", "08006");
        replica1.failStatements = lost;
        replica2.failStatements = new SQLException("terminating connection due to administrator command", "57P01");
        assertThatThrownBy(() -> run("select 3"))
                .hasMessageContaining("terminating connection")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .singleElement()
                        .satisfies(first -> assertThat(first)
                                .hasMessageContaining("I/O error")
                                .hasMessageContaining("h1:5432")));
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void aWriteIsNeverRetried() throws SQLException {
        run("insert into t values (1)");
        primary.failNext = new SQLException("An I/O error occurred while sending to the backend", "08006");
        assertThatThrownBy(() -> run("insert into t values (2)"))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08007"))
                .cause()
                .hasMessageContaining("h2:5433 primary");
        assertThat(primary.statements()).containsExactly("insert into t values (1)");
    }

    @Test
    void aConnectionOpenedToAReplicaIsNotReusedForWritesOnceTheNodeIsPromoted() throws SQLException {
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        connection = cluster.connect(settings, topology);
        run("select 1");
        NodeSession guarded = connection.pipeline().sessions().all().get(0);
        assertThat(guarded.guarded()).isTrue();
        // A switchover: the replica that served the read is promoted, the old primary demoted.
        for (Node node : topology.nodes()) {
            node.role(node.address().equals(guarded.node().address()) ? ProbedRole.PRIMARY : ProbedRole.REPLICA, null);
        }
        run("insert into t values (1)");
        assertThat(guarded.isClosed()).isTrue();
        NodeSession writer = connection.pipeline().sessions().all().stream()
                .filter(s -> !s.isClosed())
                .findFirst()
                .orElseThrow();
        assertThat(writer.guarded()).isFalse();
        assertThat(writer.node()).isSameAs(guarded.node());
    }
}
