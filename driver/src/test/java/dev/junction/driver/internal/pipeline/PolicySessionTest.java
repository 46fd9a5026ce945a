package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.jdbc.RoutingConnection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver hands the router's policy the whole session — the open transaction's node and the node a pin holds —
 * and follows its answer (design §2 rules 1 and 2), over fake nodes.
 */
class PolicySessionTest {
    private FakeCluster.FakeServer replica1;
    private FakeCluster.FakeServer primary;
    private FakeCluster.FakeServer replica2;
    private RoutingConnection connection;

    @BeforeEach
    void connect() throws SQLException {
        FakeCluster cluster = new FakeCluster("replica", "primary", "replica");
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
    void stateCreatedInAReadOnlyTransactionOnAReplicaKeepsReadsThereAndSendsWritesToThePrimary() throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run("select 1");
        run("declare c cursor with hold for select 1"); // the transaction's replica holds the cursor from now on
        connection.commit();
        connection.setAutoCommit(true);
        connection.setReadOnly(false);
        run("select 2");
        run("select 3");
        run("insert into t values (1)");
        assertThat(connection.pins()).contains("holdable cursor");
        assertThat(replica1.statements())
                .contains("select 1", "declare c cursor with hold for select 1", "select 2", "select 3");
        assertThat(replica2.statements()).isEmpty();
        assertThat(primary.statements()).containsExactly("insert into t values (1)");
    }

    @Test
    void aReadOnlyTransactionKeepsItsReplicaForAStatementThePolicySendsToThePrimary() throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run("select 1");
        run("select nextval('s')"); // the replica, read-only at the server, judges it as any server would
        connection.commit();
        assertThat(replica1.statements()).contains("select 1", "select nextval('s')");
        assertThat(primary.statements()).isEmpty();
    }

    @Test
    void aClosedConnectionRefusesWorkWith08003AndKeepsNoPhysicalConnection() throws SQLException {
        run("select 1");
        connection.close();
        assertThatThrownBy(() -> run("select 2"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
        assertThat(connection.pipeline().sessions().all()).isEmpty();
        assertThat(replica2.statements()).isEmpty();
        assertThat(connection.toString()).endsWith("] closed");
    }
}
