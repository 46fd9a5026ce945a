package dev.junction.it.sync;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SyncModesContract} on a PostgreSQL primary and two streaming standbys (no synchronous_standby_names). */
class PostgresSyncModesIT extends SyncModesContract {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = PostgresCluster.builder().standbys(2).start();
        try (Connection primary = cluster.primary().connect()) {
            createTables(primary);
        }
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String url(String parameters) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres" + parameters;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    @Override
    Connection rawPrimary() throws SQLException {
        return cluster.primary().connect();
    }

    @Override
    Connection rawReplica(int index) throws SQLException {
        return standby(index).connect();
    }

    private static PostgresNode standby(int index) {
        return cluster.standbys().get(index);
    }

    /** {@code recovery_min_apply_delay}, which holds back the replay of commit records only, reloaded at once. */
    @Override
    void delayApply(int index, int seconds) {
        standby(index)
                .execute(
                        seconds == 0
                                ? "alter system reset recovery_min_apply_delay"
                                : "alter system set recovery_min_apply_delay = '" + seconds + "s'",
                        "select pg_reload_conf()");
    }

    @Override
    void stopApplying(int index) {
        standby(index).pauseReplay();
    }

    @Override
    void resumeApplying(int index) {
        standby(index).resumeReplay();
    }

    @Override
    boolean flushedEverything(int index) {
        String primary = cluster.primary().queryString("select pg_current_wal_lsn()::text");
        return "t".equals(standby(index).queryString("select pg_last_wal_receive_lsn() >= '" + primary + "'::pg_lsn"));
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
