package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.config.ExceptionOverridePropertyTest;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure seam as a logical connection uses it, over fake nodes: an application's
 * {@code exceptionOverrideClassName} decides how a failure is read, and the seam acts on that reading.
 */
class FailureSeamTest {
    private FakeCluster cluster;
    private FakeCluster.FakeServer replica1;
    private FakeCluster.FakeServer primary;
    private FakeCluster.FakeServer replica2;

    @BeforeEach
    void cluster() {
        cluster = new FakeCluster("replica", "primary", "replica");
        replica1 = cluster.server(0);
        primary = cluster.server(1);
        replica2 = cluster.server(2);
    }

    private static void run(RoutingConnection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void anOverrideThatCallsAVendorCodeALostConnectionMakesTheReadRunElsewhere() throws SQLException {
        RoutingConnection connection = cluster.connect(
                "?exceptionOverrideClassName=" + ExceptionOverridePropertyTest.LostOnVendorCode.class.getName());
        run(connection, "select 1");
        run(connection, "select 2");
        replica1.failStatements = new SQLException("proxy says the backend went away", "HY000", 9001);
        run(connection, "select 3");
        assertThat(replica1.statements()).containsExactly("select 1");
        assertThat(replica2.statements()).containsExactly("select 2", "select 3");
        assertThat(connection.pipeline().sessions().all())
                .noneMatch(session -> session.node().address().equals(replica1.address));
    }

    @Test
    void withoutTheOverrideTheSameFailureIsTheStatementsOwnAndSurfaces() throws SQLException {
        RoutingConnection connection = cluster.connect("");
        run(connection, "select 1");
        run(connection, "select 2");
        replica1.failStatements = new SQLException("proxy says the backend went away", "HY000", 9001);
        assertThatThrownBy(() -> run(connection, "select 3"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("proxy says the backend went away");
        assertThat(replica2.statements()).containsExactly("select 2");
        assertThat(primary.statements()).isEmpty();
    }
}
