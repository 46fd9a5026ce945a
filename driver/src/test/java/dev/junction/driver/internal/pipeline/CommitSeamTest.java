package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.FunctionCatalog;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commit seam fires exactly once per commit of written work, on every path that ends one, in every consistency
 * mode, and never for a rollback, a read-only transaction or a read.
 */
class CommitSeamTest {
    private FakeCluster cluster;
    private final List<String> events = new ArrayList<>();

    private RoutingConnection connect(String consistency, Backend backend) throws SQLException {
        cluster = new FakeCluster("replica", "primary", "replica");
        ConnectionSettings settings = cluster.settings("?readConsistency=" + consistency);
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        RoutingConnection connection =
                cluster.connect(settings, topology, RouterStatementRouting.create(backend, FunctionCatalog.NONE));
        connection
                .pipeline()
                .commits()
                .listen((node, tables) -> events.add(node.address().toString()));
        return connection;
    }

    private static void run(RoutingConnection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventual", "session", "global", "strong"})
    void firesOncePerCommitOnEveryPath(String consistency) throws SQLException {
        RoutingConnection connection = connect(consistency, Backend.POSTGRESQL);
        String primary = cluster.server(1).address.toString();

        run(connection, "insert into t values (1)"); // auto-commit write
        assertThat(events).containsExactly(primary);

        connection.setAutoCommit(false); // commit()
        run(connection, "update t set a = 2");
        run(connection, "update t set a = 3");
        connection.commit();
        assertThat(events).hasSize(2);

        run(connection, "delete from t"); // setAutoCommit(true) with work pending
        connection.setAutoCommit(true);
        assertThat(events).hasSize(3);

        run(connection, "begin"); // COMMIT statement
        run(connection, "insert into t values (4)");
        run(connection, "commit");
        assertThat(events).hasSize(4);

        try (PreparedStatement batch =
                connection.prepareStatement("insert into t values (?)")) { // a batch in auto-commit
            batch.setInt(1, 5);
            batch.addBatch();
            batch.executeBatch();
        }
        assertThat(events).hasSize(5).containsOnly(primary);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventual", "global"})
    void firesNothingForRollbacksReadsAndTransactionsThatDidNotWrite(String consistency) throws SQLException {
        RoutingConnection connection = connect(consistency, Backend.POSTGRESQL);
        run(connection, "select 1");
        connection.setAutoCommit(false);
        run(connection, "insert into t values (1)");
        connection.rollback();
        run(connection, "select 2");
        connection.commit();
        connection.setAutoCommit(true);
        run(connection, "begin");
        run(connection, "update t set a = 1");
        run(connection, "rollback");
        assertThat(events).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventual", "global"})
    void firesForMySqlImplicitCommitsAndXaCommit(String consistency) throws SQLException {
        RoutingConnection connection = connect(consistency, Backend.MYSQL);
        run(connection, "START TRANSACTION");
        run(connection, "INSERT INTO t VALUES (1)");
        run(connection, "CREATE TABLE u (id INT)"); // commits the transaction first, then itself
        assertThat(events).hasSize(2);
        run(connection, "XA START 'x'");
        run(connection, "INSERT INTO t VALUES (2)");
        run(connection, "XA END 'x'");
        run(connection, "XA PREPARE 'x'");
        run(connection, "XA COMMIT 'x'");
        assertThat(events).hasSize(3);
        run(connection, "SET autocommit = 0");
        run(connection, "INSERT INTO t VALUES (3)");
        run(connection, "SET autocommit = 1"); // commits the open transaction
        assertThat(events).hasSize(4);
    }
}
