package dev.junction.driver.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code topology=multi-master}: several primaries are masters, not a split brain; statements go to the home master. */
class MultiMasterTopologyTest {
    private static final List<HostAndPort> SEEDS =
            List.of(new HostAndPort("h1", 5432), new HostAndPort("h2", 5432), new HostAndPort("h3", 5432));

    private static ClusterTopology topology(String home, ProbedRole... roles) {
        ClusterTopology topology = new ClusterTopology("test", BackendDialect.POSTGRESQL, SEEDS);
        if (home != null) {
            topology.multiMaster(home);
        }
        for (int i = 0; i < roles.length; i++) {
            topology.nodes().get(i).role(roles[i], null);
        }
        return topology;
    }

    @Test
    void theHomeMasterTakesStatementsWhileItIsUp() throws SQLException {
        ClusterTopology topology = topology("H2:5432", ProbedRole.PRIMARY, ProbedRole.PRIMARY, ProbedRole.PRIMARY);
        assertThat(topology.isMultiMaster()).isTrue();
        assertThat(topology.primary().address()).hasToString("h2:5432");
    }

    @Test
    void anotherMasterTakesOverInTheUrlsOrderWhileTheHomeIsDownAndNeverAReplica() throws SQLException {
        ClusterTopology topology = topology("h2:5432", ProbedRole.REPLICA, ProbedRole.DOWN, ProbedRole.PRIMARY);
        assertThat(topology.primary().address()).hasToString("h3:5432");
        topology.nodes().get(1).role(ProbedRole.PRIMARY, null);
        assertThat(topology.primary().address()).as("back home").hasToString("h2:5432");
    }

    @Test
    void withoutAHomeTheFirstMasterUpInTheUrlsOrder() throws SQLException {
        ClusterTopology topology = topology("", ProbedRole.DOWN, ProbedRole.PRIMARY, ProbedRole.PRIMARY);
        assertThat(topology.primary().address()).hasToString("h2:5432");
    }

    @Test
    void noMasterUpIsNoPrimaryAndTwoPrimariesWithoutMultiMasterStayASplitBrain() {
        ClusterTopology none = topology("", ProbedRole.DOWN, ProbedRole.REPLICA, ProbedRole.DOWN);
        assertThatThrownBy(none::primary).hasMessageContaining("primary");
        ClusterTopology splitBrain = topology(null, ProbedRole.PRIMARY, ProbedRole.PRIMARY, ProbedRole.REPLICA);
        assertThat(splitBrain.isMultiMaster()).isFalse();
        assertThatThrownBy(splitBrain::primary)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getMessage()).contains("h1:5432", "h2:5432"));
    }
}
