package dev.junction.it.conflict;

import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.PostgresGuardTriggers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MultiMasterStampingContract} on PostgreSQL 16+ bidirectional logical replication. */
class PostgresMultiMasterStampingIT extends MultiMasterStampingContract {
    private static PostgresTwoMasterCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresTwoMasterCluster.start();
        cluster.executeOnBoth(
                "create table model_versions(id int primary key, stage text not null,"
                        + " _hlc bigint not null default 0, _origin varchar(64) not null default '')",
                "create table audit_log(id int primary key, note text)",
                "create table likes(post int, _origin varchar(64), n bigint not null default 0,"
                        + " _hlc bigint not null default 0, primary key (post, _origin))");
        List<String> guards = PostgresGuardTriggers.install(
                "model_versions", List.of("id"), List.of("id", "stage", "_hlc", "_origin"));
        for (PostgresNode master : cluster.masters()) {
            master.execute(guards.toArray(String[]::new));
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String url(int home, String more) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?topology=multi-master&homeMaster="
                + address(home) + more;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    @Override
    Connection rawMaster(int index) throws SQLException {
        return cluster.masters().get(index).connect();
    }

    @Override
    String address(int index) {
        return cluster.masters().get(index).address();
    }

    @Override
    String upsert() {
        return "insert into model_versions (id, stage) values (?, ?) on conflict (id) do update set stage = excluded.stage";
    }

    @Override
    void pauseReplication() {
        cluster.pauseReplication();
    }

    @Override
    void resumeReplication() {
        cluster.resumeReplication();
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication(); // fails at once on an apply error
    }

    @Override
    boolean replicating() {
        for (PostgresNode master : cluster.masters()) {
            if (!"0"
                            .equals(master.queryString(
                                    "select coalesce(sum(apply_error_count), 0) from pg_stat_subscription_stats"))
                    || !"t".equals(master.queryString("select bool_and(subenabled) from pg_subscription"))) {
                return false;
            }
        }
        return true;
    }
}
