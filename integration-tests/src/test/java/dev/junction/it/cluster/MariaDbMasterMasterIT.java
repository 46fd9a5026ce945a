package dev.junction.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.ServerProcess;
import dev.junction.cluster.ServerRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The MariaDB master-master ring: two writable masters that replicate each other. Besides the plumbing,
 * this records the problem a multi-master mode of Junction must solve: MariaDB replication applies row
 * events by primary key without comparing the old values, so two masters that update one row at the same
 * time each take the other's value and stay diverged, with no error anywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbMasterMasterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static MariaDbCluster ring;
    private static MariaDbNode master1;
    private static MariaDbNode master2;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster().start();
        master1 = ring.node("master1");
        master2 = ring.node("master2");
        System.out.println(
                ring.binaries() + " master-master up in " + ring.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopRing() {
        if (ring != null) {
            List<ServerProcess> processes =
                    ring.nodes().stream().map(MariaDbNode::process).toList();
            ring.close();
            assertThat(processes)
                    .allSatisfy(
                            p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
        }
    }

    @Test
    @Order(1)
    void startsTwoWritableMastersThatReplicateEachOther() {
        assertThat(ring.masters()).containsExactly(master1, master2);
        assertThat(ring.replicas()).isEmpty();
        assertThat(ring.nodes()).extracting(MariaDbNode::role).containsOnly(ServerRole.PRIMARY);
        assertThat(ring.nodes())
                .allSatisfy(n -> assertThat(n.isReplicating()).as(n.name()).isTrue());
        assertThat(master1.replicationStatus()).containsEntry("Master_Port", Integer.toString(master2.port()));
        assertThat(master2.replicationStatus()).containsEntry("Master_Port", Integer.toString(master1.port()));
        assertThat(master1.gtidDomainId()).isNotEqualTo(master2.gtidDomainId());
    }

    @Test
    @Order(2)
    void writeOnEitherMasterAppearsOnTheOther() {
        master1.execute(
                "CREATE TABLE notes (id INT PRIMARY KEY, note VARCHAR(40))",
                "INSERT INTO notes VALUES (1, 'from master1')");
        ring.awaitReplication();
        master2.execute("INSERT INTO notes VALUES (2, 'from master2')");
        ring.awaitReplication();

        for (MariaDbNode master : ring.nodes()) {
            assertThat(master.queryString("SELECT GROUP_CONCAT(note ORDER BY id) FROM notes"))
                    .as(master.name())
                    .isEqualTo("from master1,from master2");
        }
    }

    @Test
    @Order(3)
    void autoIncrementIdsFromTheTwoMastersDoNotCollide() throws SQLException {
        master1.execute("CREATE TABLE events (id INT AUTO_INCREMENT PRIMARY KEY, origin VARCHAR(10))");
        ring.awaitReplication();
        for (int i = 0; i < 5; i++) {
            master1.execute("INSERT INTO events (origin) VALUES ('master1')");
            master2.execute("INSERT INTO events (origin) VALUES ('master2')");
        }
        ring.awaitReplication();

        List<Integer> idsOnMaster1 = ids(master1, "SELECT id FROM events WHERE origin = 'master1'");
        List<Integer> idsOnMaster2 = ids(master2, "SELECT id FROM events WHERE origin = 'master2'");
        assertThat(idsOnMaster1)
                .hasSize(5)
                .allSatisfy(id -> assertThat(id % 2).as("id %d", id).isEqualTo(1));
        assertThat(idsOnMaster2)
                .hasSize(5)
                .allSatisfy(id -> assertThat(id % 2).as("id %d", id).isZero());
        for (MariaDbNode master : ring.nodes()) {
            assertThat(master.queryString("SELECT COUNT(DISTINCT id) FROM events"))
                    .as(master.name())
                    .isEqualTo("10");
        }
        assertThat(ring.nodes())
                .allSatisfy(n -> assertThat(n.isReplicating()).as(n.name()).isTrue());
    }

    @Test
    @Order(4)
    void concurrentUpdatesOfOneRowLeaveTheMastersDiverged() {
        master1.execute(
                "CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(40))",
                "INSERT INTO accounts VALUES (1, 'original')");
        ring.awaitReplication();
        assertThat(master2.queryString("SELECT owner FROM accounts WHERE id = 1"))
                .isEqualTo("original");

        // Neither master sees the other's update before making its own: the window of any real conflict, held open.
        master1.stopReplication();
        master2.stopReplication();
        master1.execute("UPDATE accounts SET owner = 'written on master1' WHERE id = 1");
        master2.execute("UPDATE accounts SET owner = 'written on master2' WHERE id = 1");
        master1.startReplication();
        master2.startReplication();
        master1.awaitReplicating(TIMEOUT);
        master2.awaitReplicating(TIMEOUT);
        ring.awaitReplication();

        String onMaster1 = master1.queryString("SELECT owner FROM accounts WHERE id = 1");
        String onMaster2 = master2.queryString("SELECT owner FROM accounts WHERE id = 1");
        assertThat(onMaster1)
                .as("master1 applied master2's update over its own")
                .isEqualTo("written on master2");
        assertThat(onMaster2)
                .as("master2 applied master1's update over its own")
                .isEqualTo("written on master1");
        assertThat(onMaster1).isNotEqualTo(onMaster2);
        assertThat(ring.nodes())
                .as("replication reports no error: the divergence is silent")
                .allSatisfy(n -> assertThat(n.isReplicating()).as(n.name()).isTrue());
    }

    private static List<Integer> ids(MariaDbNode node, String sql) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = node.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }
}
