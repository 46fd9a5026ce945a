package dev.junction.it.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.conflict.MariaDbGuardTriggers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MultiMasterStampingContract} on a MariaDB master-master ring, configured as the guards need
 * ({@code slave_run_triggers_for_rbr=ENFORCE}; {@code slave_exec_mode=IDEMPOTENT}, see
 * {@code MariaDbLastWriterWinsGuardIT}).
 */
class MariaDbMultiMasterStampingIT extends MultiMasterStampingContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static MariaDbCluster ring;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .start();
        MariaDbNode first = ring.masters().get(0);
        first.execute(
                "CREATE TABLE model_versions (id INT PRIMARY KEY, stage VARCHAR(40) NOT NULL,"
                        + " _hlc BIGINT NOT NULL DEFAULT 0, _origin VARCHAR(64) NOT NULL DEFAULT '')",
                "CREATE TABLE audit_log (id INT PRIMARY KEY, note VARCHAR(40))",
                "CREATE TABLE likes (post INT, _origin VARCHAR(64), n BIGINT NOT NULL DEFAULT 0,"
                        + " _hlc BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (post, _origin))");
        ring.awaitReplication();
        List<String> statements = new ArrayList<>();
        statements.add("SET SESSION sql_log_bin = 0"); // each master gets its own trigger
        statements.addAll(MariaDbGuardTriggers.install(
                "model_versions", List.of("id"), List.of("id", "stage", "_hlc", "_origin")));
        for (MariaDbNode master : ring.masters()) {
            master.execute(statements.toArray(String[]::new));
        }
    }

    @AfterAll
    static void stopRing() {
        if (ring != null) {
            ring.close();
        }
    }

    @Override
    String url(int home, String more) {
        return "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE
                + "?topology=multi-master&homeMaster=" + address(home) + more;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return properties;
    }

    @Override
    Connection rawMaster(int index) throws SQLException {
        return ring.masters().get(index).connect();
    }

    @Override
    String address(int index) {
        return ring.masters().get(index).address();
    }

    @Override
    String upsert() {
        return "insert into model_versions (id, stage) values (?, ?) on duplicate key update stage = VALUES(stage)";
    }

    @Override
    void pauseReplication() {
        ring.masters().forEach(MariaDbNode::stopReplication);
    }

    @Override
    void resumeReplication() {
        for (MariaDbNode master : ring.masters()) {
            master.startReplication();
        }
        for (MariaDbNode master : ring.masters()) {
            master.awaitReplicating(TIMEOUT);
        }
    }

    @Override
    void awaitReplication() {
        ring.awaitReplication();
    }

    @Override
    boolean replicating() {
        return ring.masters().stream().allMatch(MariaDbNode::isReplicating);
    }
}
