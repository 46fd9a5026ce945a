package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.SyncMode;
import dev.junction.driver.SyncTable;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncPolicyTest {
    private static SyncPolicy policy(String mode, String tables) throws SQLException {
        return SyncPolicy.of(JunctionProperties.parse(Map.of("syncMode", mode, "syncTables", tables)), 3);
    }

    @Test
    void eachModeAsksForItsNumberOfReplicas() {
        assertThat(SyncRequirement.of(SyncMode.ASYNC, 3).waits()).isFalse();
        assertThat(SyncRequirement.of(SyncMode.SEMI_SYNC, 3).required(3)).isEqualTo(1);
        assertThat(SyncRequirement.of(SyncMode.SYNC, 3).required(3)).isEqualTo(3);
        assertThat(SyncRequirement.of(SyncMode.quorum(2), 3).required(3)).isEqualTo(2);
        assertThat(SyncRequirement.of(SyncMode.quorum(2), 3).required(1))
                .as("more than are up: the wait cannot succeed")
                .isEqualTo(2);
    }

    @Test
    void aMajorityIsCountedOfTheNodesTheUrlNamesWithThePrimaryAsOne() {
        int[] replicasForNodes = {1, 1, 1, 2, 2, 3, 3};
        for (int nodes = 1; nodes <= replicasForNodes.length; nodes++) {
            SyncRequirement majority = SyncRequirement.of(SyncMode.MAJORITY, nodes);
            assertThat(majority.atLeast()).as("%d nodes", nodes).isEqualTo(replicasForNodes[nodes - 1]);
            assertThat(majority.required(0))
                    .as("counted of the nodes named, not of those up: fewer up is a timeout")
                    .isEqualTo(majority.atLeast());
        }
        assertThat(SyncMode.parse("majority")).isEqualTo(SyncMode.MAJORITY).hasToString("majority");
    }

    @Test
    void aMajorityKeepsItsNameInMessagesWhereItIsTheRequirement() throws SQLException {
        SyncPolicy policy = SyncPolicy.of(
                JunctionProperties.parse(Map.of("syncMode", "majority", "syncTables", "audit:quorum:3")), 5);
        assertThat(policy.describe(policy.requirementFor(Set.of("orders")))).isEqualTo("majority");
        assertThat(policy.describe(policy.requirementFor(Set.of("audit")))).isEqualTo("quorum:3");
        assertThat(policy.describe(new SyncRequirement(4, true))).isEqualTo("sync and quorum:4");
    }

    @Test
    void syncWithNoReplicaUpStillNeedsOne() {
        assertThat(SyncRequirement.of(SyncMode.SYNC, 3).required(0)).isEqualTo(1);
    }

    @Test
    void requirementsCombineIntoTheStrongest() {
        SyncRequirement sync = SyncRequirement.of(SyncMode.SYNC, 3);
        SyncRequirement quorum3 = SyncRequirement.of(SyncMode.quorum(3), 3);
        SyncRequirement both = sync.and(quorum3);
        assertThat(both.required(2)).isEqualTo(3);
        assertThat(both.required(5)).isEqualTo(5);
        assertThat(both).hasToString("sync and quorum:3");
        assertThat(SyncRequirement.NONE.and(quorum3)).isSameAs(quorum3);
        assertThat(quorum3.and(SyncRequirement.NONE)).isSameAs(quorum3);
        assertThat(SyncRequirement.of(SyncMode.SEMI_SYNC, 3).and(quorum3)).isEqualTo(quorum3);
    }

    @Test
    void aCommitTakesTheStrongestModeOfTheTablesItWrote() throws SQLException {
        SyncPolicy policy = policy("async", "model_versions:sync,features_hot:quorum:2");
        assertThat(policy.requirementFor(Set.of("training_rows")).waits()).isFalse();
        assertThat(policy.requirementFor(Set.of("features_hot"))).hasToString("quorum:2");
        assertThat(policy.requirementFor(Set.of("features_hot", "model_versions")))
                .hasToString("sync and quorum:2");
        assertThat(policy.requirementFor(Set.of("MODEL_VERSIONS"))).hasToString("sync");
    }

    @Test
    void unknownTablesTakeEveryConfiguredMode() throws SQLException {
        SyncPolicy policy = policy("semi-sync", "model_versions:sync");
        assertThat(policy.requirementFor(null)).hasToString("sync");
        assertThat(policy.requirementFor(Set.of())).hasToString("sync");
        assertThat(policy("semi-sync", "").requirementFor(null)).hasToString("semi-sync");
    }

    @Test
    void anUnqualifiedNameOnEitherSideMatchesAnySchema() {
        assertThat(SyncPolicy.sameTable("orders", "shop.orders")).isTrue();
        assertThat(SyncPolicy.sameTable("shop.orders", "orders")).isTrue();
        assertThat(SyncPolicy.sameTable("shop.orders", "Shop.Orders")).isTrue();
        assertThat(SyncPolicy.sameTable("shop.orders", "archive.orders")).isFalse();
        assertThat(SyncPolicy.sameTable("orders", "order_lines")).isFalse();
    }

    @Test
    void syncTablesParsesAndRejectsWhatItCannotRead() throws SQLException {
        assertThat(JunctionProperty.SYNC_TABLES.parse("a:sync, b:quorum:2, c:majority"))
                .containsExactly(
                        new SyncTable("a", SyncMode.SYNC),
                        new SyncTable("b", SyncMode.quorum(2)),
                        new SyncTable("c", SyncMode.MAJORITY));
        for (String bad : new String[] {"a", "a:often", "a:sync,A:async", "a:quorum:0", "1a:sync", "a:sync,"}) {
            assertThatThrownBy(() -> JunctionProperty.SYNC_TABLES.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("22023");
                        assertThat(e.getMessage()).contains("syncTables", bad);
                    });
        }
    }

    @Test
    void aModeNeedingMoreReplicasThanTheUrlNamesIsRefused() throws SQLException {
        SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncMode", "quorum:2")), 3);
        assertThatThrownBy(() -> SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncMode", "quorum:3")), 3))
                .hasMessageContaining("quorum:3")
                .hasMessageContaining("at most 2 replicas");
        assertThatThrownBy(() -> SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncMode", "sync")), 1))
                .hasMessageContaining("syncMode")
                .hasMessageContaining("names 1 node");
        assertThatThrownBy(() -> SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncMode", "majority")), 1))
                .as("a majority of one node would be the primary alone")
                .hasMessageContaining("majority")
                .hasMessageContaining("names 1 node");
        SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncMode", "majority")), 2);
        assertThatThrownBy(
                        () -> SyncPolicy.checkReplicas(JunctionProperties.parse(Map.of("syncTables", "t:quorum:4")), 3))
                .hasMessageContaining("syncTables")
                .hasMessageContaining("t:quorum:4");
    }
}
