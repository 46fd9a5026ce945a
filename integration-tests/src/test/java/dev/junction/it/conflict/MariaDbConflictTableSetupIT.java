package dev.junction.it.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ConflictTableSetupContract} on a MariaDB master-master ring configured as the guards need. */
class MariaDbConflictTableSetupIT extends ConflictTableSetupContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static MariaDbCluster ring;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .start();
    }

    @AfterAll
    static void stopRing() {
        if (ring != null) {
            ring.close();
        }
    }

    @Override
    String url(String parameters) {
        return "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE + parameters;
    }

    @Override
    Properties adminCredentials() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.PRIVILEGED_USER);
        properties.setProperty("password", MariaDbNode.PRIVILEGED_PASSWORD);
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
    void createOnBoth(String ddl) {
        ring.masters().get(0).execute(ddl);
        ring.awaitReplication();
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
}
