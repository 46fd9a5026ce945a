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
 * {@link ConvergenceContract} on a MariaDB master-master ring with the guard triggers
 * ({@code slave_run_triggers_for_rbr=ENFORCE}, {@code slave_exec_mode=IDEMPOTENT}): a key inserted on both masters
 * leaves each with the other's row, which reconcile settles.
 */
class MariaDbConvergenceIT extends ConvergenceContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static MariaDbCluster ring;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .start();
        ring.masters()
                .get(0)
                .execute("CREATE TABLE conv (id INT PRIMARY KEY, val VARCHAR(40) NOT NULL,"
                        + " _hlc BIGINT NOT NULL DEFAULT 0, _origin VARCHAR(64) NOT NULL DEFAULT '')");
        ring.awaitReplication();
        List<String> statements = new ArrayList<>();
        statements.add("SET SESSION sql_log_bin = 0");
        statements.addAll(MariaDbGuardTriggers.install("conv", List.of("id"), List.of("id", "val", "_hlc", "_origin")));
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
    String url(int home) {
        return "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE
                + "?topology=multi-master&homeMaster="
                + ring.masters().get(home).address();
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
    void pauseReplication() {
        ring.masters().stream().filter(MariaDbNode::isRunning).forEach(MariaDbNode::stopReplication);
    }

    @Override
    void resumeReplication() {
        for (MariaDbNode master : ring.masters()) {
            if (master.isRunning()) {
                master.startReplication();
            }
        }
    }

    @Override
    void awaitReplication() {
        for (MariaDbNode master : ring.masters()) {
            master.awaitReplicating(TIMEOUT);
        }
        ring.awaitReplication();
    }

    @Override
    void killMaster1() {
        ring.masters().get(1).kill();
    }

    /** Restarted, and master 0 reconnects at once rather than at its next retry (a minute by default). */
    @Override
    void restartMaster1() {
        MariaDbNode master1 = ring.masters().get(1);
        master1.start();
        master1.startReplication();
        MariaDbNode master0 = ring.masters().get(0);
        master0.stopReplication();
        master0.startReplication();
    }

    @Override
    boolean replicating() {
        return ring.masters().stream().allMatch(MariaDbNode::isReplicating);
    }
}
