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

/** {@link ConvergenceContract} on PostgreSQL 16+ bidirectional logical replication with the guard triggers. */
class PostgresConvergenceIT extends ConvergenceContract {
    private static PostgresTwoMasterCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresTwoMasterCluster.start();
        cluster.executeOnBoth("create table conv(id int primary key, val varchar(40) not null,"
                + " _hlc bigint not null default 0, _origin varchar(64) not null default '')");
        List<String> guards =
                PostgresGuardTriggers.install("conv", List.of("id"), List.of("id", "val", "_hlc", "_origin"));
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
    String url(int home) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?topology=multi-master&homeMaster="
                + cluster.masters().get(home).address();
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
    void pauseReplication() {
        cluster.pauseReplication();
    }

    @Override
    void resumeReplication() {
        cluster.resumeReplication();
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }

    @Override
    void killMaster1() {
        cluster.masters().get(1).kill();
    }

    @Override
    void restartMaster1() {
        cluster.masters().get(1).start();
    }

    /**
     * Every subscription enabled with its apply worker running, and a row written on each master now reaches the
     * other ({@code awaitReplication} fails at once if a subscriber cannot apply it). Apply errors counted earlier,
     * while master 1 was down, do not stop a subscription.
     */
    @Override
    boolean replicating() {
        for (PostgresNode master : cluster.masters()) {
            System.out.println(master.name() + " subscription stats: "
                    + master.queryString(
                            "select string_agg(subname || ' errors ' || apply_error_count || '/' || sync_error_count, ', ')"
                                    + " from pg_stat_subscription_stats"));
            if (!"t".equals(master.queryString("select bool_and(subenabled) from pg_subscription"))
                    || !"0"
                            .equals(
                                    master.queryString(
                                            "select count(*) from pg_subscription s where not exists (select 1 from"
                                                    + " pg_stat_subscription w where w.subid = s.oid and w.pid is not null)"))) {
                return false;
            }
        }
        cluster.masters().get(0).execute("insert into conv (id, val) values (1000, 'from master 0')");
        cluster.masters().get(1).execute("insert into conv (id, val) values (1001, 'from master 1')");
        cluster.awaitReplication();
        return "2".equals(cluster.masters().get(0).queryString("select count(*) from conv where id >= 1000"))
                && "2".equals(cluster.masters().get(1).queryString("select count(*) from conv where id >= 1000"));
    }
}
