package dev.junction.driver.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ClusterAnnouncementTest {
    private static final List<NodeStatus> NODES = List.of(
            new NodeStatus(
                    "pg1:5432",
                    "primary",
                    true,
                    Optional.of("0/3000060"),
                    Optional.of(Duration.ZERO), // not shown: a primary is never stale
                    Optional.empty(),
                    0,
                    Optional.empty()),
            new NodeStatus(
                    "pg2:5432",
                    "replica",
                    true,
                    Optional.of("0/3000060"),
                    Optional.of(Duration.ofMillis(3)),
                    Optional.empty(),
                    0,
                    Optional.empty()),
            new NodeStatus(
                    "pg3:5432",
                    "down",
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    2,
                    Optional.of("Connection refused")),
            new NodeStatus(
                    "pg4:5432",
                    "unknown",
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    0,
                    Optional.empty()));

    @Test
    void namesEveryNodeWithItsRoleOrWhyItIsNotUsed() {
        assertThat(ClusterAnnouncement.text("pg1:5432,pg2:5432,pg3:5432,pg4:5432/app", NODES))
                .isEqualTo(
                        "Junction cluster pg1:5432,pg2:5432,pg3:5432,pg4:5432/app: pg1:5432 primary; pg2:5432 replica,"
                                + " staleness ≤ 3 ms; pg3:5432 down (Connection refused); pg4:5432 not answered yet");
    }

    @Test
    void logsOnceAtInfoOnTheTopologyLogger() {
        Logger logger = Logger.getLogger("dev.junction.topology");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            ClusterAnnouncement announcement = new ClusterAnnouncement();
            announcement.once("pg1:5432/app", () -> NODES.subList(0, 1));
            announcement.once("pg1:5432/app", () -> NODES.subList(0, 1));
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.INFO);
            assertThat(records.get(0).getMessage()).isEqualTo("Junction cluster pg1:5432/app: pg1:5432 primary");
        } finally {
            logger.removeHandler(handler);
        }
    }
}
