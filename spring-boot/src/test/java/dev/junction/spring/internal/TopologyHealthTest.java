package dev.junction.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyHealthTest {
    private static final NodeStatus PRIMARY = new NodeStatus(
            "pg1:5432",
            "primary",
            true,
            Optional.of("0/3000148"),
            Optional.of(Duration.ZERO),
            Optional.of(Duration.ofMillis(2)),
            0,
            Optional.empty());
    private static final NodeStatus REPLICA = new NodeStatus(
            "pg2:5432",
            "replica",
            true,
            Optional.of("0/3000100"),
            Optional.of(Duration.ofMillis(120)),
            Optional.of(Duration.ofMillis(3)),
            0,
            Optional.empty());
    private static final NodeStatus DOWN = new NodeStatus(
            "pg1:5432",
            "unknown",
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            4,
            Optional.of("could not be reached (08001): Connection refused"));

    @Test
    void isUpWhileAPrimaryIsUp() {
        TopologyHealth health = TopologyHealth.of(List.of(PRIMARY, REPLICA));
        assertThat(health.status()).isEqualTo("UP");
        assertThat(health.details()).containsEntry("primary", "up");
    }

    @Test
    void isDownWithoutAPrimary() {
        TopologyHealth health = TopologyHealth.of(List.of(DOWN, REPLICA));
        assertThat(health.status()).isEqualTo("DOWN");
        assertThat(health.details()).containsEntry("primary", "none up");
    }

    @Test
    void isDownWhenThePrimaryDoesNotAnswer() {
        NodeStatus silentPrimary = new NodeStatus(
                "pg1:5432",
                "primary",
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                1,
                Optional.of("could not be reached"));
        assertThat(TopologyHealth.of(List.of(silentPrimary, REPLICA)).status()).isEqualTo("DOWN");
    }

    @Test
    void detailsEveryNodeWithRoleStatusStalenessAndPosition() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>)
                TopologyHealth.of(List.of(REPLICA, DOWN)).details().get("nodes");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(0))
                .containsEntry("address", "pg2:5432")
                .containsEntry("role", "replica")
                .containsEntry("status", "UP")
                .containsEntry("stalenessBound", "PT0.12S")
                .containsEntry("position", "0/3000100")
                .containsEntry("consecutiveFailures", 0)
                .doesNotContainKey("lastError");
        assertThat(nodes.get(1))
                .containsEntry("status", "DOWN")
                .containsEntry("lastError", "could not be reached (08001): Connection refused")
                .doesNotContainKeys("stalenessBound", "position");
    }
}
