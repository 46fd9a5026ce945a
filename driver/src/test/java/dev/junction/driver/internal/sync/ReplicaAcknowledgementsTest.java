package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.SyncAck;
import dev.junction.driver.SyncMode;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The wait's rounds over recorded MariaDB answers: a replica that refuses connections for a while (restarting, being
 * repointed after a failover) is asked again until the deadline instead of failing the wait at its first refusal.
 */
class ReplicaAcknowledgementsTest {
    private static final String VERSION = "10.11.6-MariaDB";
    private static final Node PRIMARY = new Node(new HostAndPort("db1", 3306), ProbedRole.PRIMARY);
    private static final Node REPLICA = new Node(new HostAndPort("db2", 3306), ProbedRole.REPLICA);
    private static final SyncRequirement SEMI_SYNC = SyncRequirement.of(SyncMode.SEMI_SYNC, 3);

    /** Opens the primary's recorded server; the replica's refuses the first {@code refusals} connections. */
    private static NodeConnector connector(int refusals, AtomicInteger attempts) {
        return node -> {
            if (node.equals(PRIMARY.address())) {
                return new RecordedServer(VERSION)
                        .answers("select @@global.gtid_binlog_pos", Map.of("1", "0-1-10"))
                        .answers("select 1", Map.of("1", "1"))
                        .connection();
            }
            if (attempts.incrementAndGet() <= refusals) {
                throw new SQLException("Connection refused: " + node, "08001");
            }
            return new RecordedServer(VERSION)
                    .answers("select master_gtid_wait(?, ?)", Map.of("1", "-1")) // not applied yet: read the relay log
                    .answersRows("SHOW ALL SLAVES STATUS", List.of(Map.of("Gtid_IO_Pos", "0-1-10")))
                    .connection();
        };
    }

    private static ReplicaWaits.Outcome await(NodeConnector connector, Duration timeout) throws InterruptedException {
        try (ReplicaAcknowledgements waits =
                new ReplicaAcknowledgements("db", BackendDialect.MYSQL, connector, () -> List.of(PRIMARY, REPLICA))) {
            return waits.await(SEMI_SYNC, SyncAck.FLUSH, PRIMARY, timeout, false, null);
        }
    }

    @Test
    void aReplicaThatRefusesConnectionsForAWhileConfirmsOnceItIsBack() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        ReplicaWaits.Outcome outcome = await(connector(3, attempts), Duration.ofSeconds(5));
        assertThat(outcome.met())
                .as("confirmed by the replica once it accepted a connection")
                .isTrue();
        assertThat(outcome.confirmed()).isEqualTo(1);
        assertThat(attempts.get()).as("refused three times, then asked").isEqualTo(4);
    }

    /**
     * {@code flush}: a replica that has already applied the commit received it, and says so to a short GTID wait; its
     * relay log (not recorded here: asking it would fail the question) is not read.
     */
    @Test
    void aFlushAppliedAlreadyIsConfirmedWithoutReadingTheRelayLog() throws InterruptedException {
        NodeConnector connector = node -> node.equals(PRIMARY.address())
                ? new RecordedServer(VERSION)
                        .answers("select @@global.gtid_binlog_pos", Map.of("1", "0-1-10"))
                        .answers("select 1", Map.of("1", "1"))
                        .connection()
                : new RecordedServer(VERSION)
                        .answers("select master_gtid_wait(?, ?)", Map.of("1", "0"))
                        .connection();
        ReplicaWaits.Outcome outcome = await(connector, Duration.ofSeconds(2));
        assertThat(outcome.met()).isTrue();
        assertThat(outcome.confirmed()).isEqualTo(1);
    }

    @Test
    void aReplicaThatNeverComesBackLeavesTheWaitUnconfirmedAtTheDeadline() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        ReplicaWaits.Outcome outcome = await(connector(Integer.MAX_VALUE, attempts), Duration.ofMillis(300));
        assertThat(outcome.met()).isFalse();
        assertThat(outcome.primaryLost())
                .as("the primary still answers: committed, not confirmed")
                .isFalse();
        assertThat(attempts.get())
                .as("asked again until the deadline, not once")
                .isGreaterThan(2);
    }
}
