package dev.junction.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.cluster.ServerRole;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The PostgreSQL two-master test bed: both masters take writes, each sees the other's, nothing loops, and
 * concurrent updates of one row silently leave the masters disagreeing, which is the problem the
 * multi-master conflict handling has to solve. One cluster for the class; every test uses its own table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresTwoMasterIT {
    private static PostgresTwoMasterCluster cluster;
    private static PostgresNode master1;
    private static PostgresNode master2;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresTwoMasterCluster.start();
        master1 = cluster.node("master1");
        master2 = cluster.node("master2");
        System.out.println("Two-master cluster on " + cluster.binaries() + " up in "
                + cluster.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            var processes =
                    cluster.masters().stream().map(PostgresNode::process).toList();
            cluster.close();
            assertThat(processes)
                    .allSatisfy(
                            p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
            assertThat(Files.exists(cluster.directory()))
                    .as("cluster directory after close")
                    .isFalse();
        }
    }

    @Test
    @Order(1)
    void startsTwoPrimariesOnPostgres16OrNewer() {
        assertThat(cluster.masters()).containsExactly(master1, master2);
        assertThat(cluster.masters()).extracting(PostgresNode::role).containsOnly(ServerRole.PRIMARY);
        for (PostgresNode master : cluster.masters()) {
            assertThat(Integer.parseInt(master.queryString("show server_version_num")))
                    .as(master.name())
                    .isGreaterThanOrEqualTo(160000);
            assertThat(master.queryString("show wal_level")).as(master.name()).isEqualTo("logical");
        }
        assertThat(cluster.hostList()).isEqualTo(master1.address() + "," + master2.address());
    }

    @Test
    @Order(2)
    void rowInsertedOnEitherMasterAppearsOnTheOther() {
        cluster.executeOnBoth("create table greeting(id int primary key, note text)");
        master1.execute("insert into greeting values (1, 'written on master1')");
        master2.execute("insert into greeting values (2, 'written on master2')");

        cluster.awaitReplication();

        for (PostgresNode master : cluster.masters()) {
            assertThat(master.queryString("select string_agg(id || ':' || note, ', ' order by id) from greeting"))
                    .as(master.name())
                    .isEqualTo("1:written on master1, 2:written on master2");
        }
    }

    @Test
    @Order(3)
    void rowInsertedOnceAppearsExactlyOnceOnEachMaster() {
        // No primary key: a change sent back to where it came from would be inserted again, not rejected.
        cluster.executeOnBoth("create table echo(note text)");
        master1.execute("insert into echo values ('once')");

        cluster.awaitReplication();
        cluster.awaitReplication(); // a second round would carry anything master2 sent back to master1

        for (PostgresNode master : cluster.masters()) {
            assertThat(master.queryString("select count(*) from echo"))
                    .as(master.name())
                    .isEqualTo("1");
            assertThat(master.queryString("select coalesce(sum(apply_error_count), 0) from pg_stat_subscription_stats"))
                    .as("apply errors on %s", master.name())
                    .isEqualTo("0");
        }
    }

    @Test
    @Order(4)
    void concurrentUpdatesOfOneRowLeaveTheMastersDiverged() {
        cluster.executeOnBoth("create table account(id int primary key, owner text)");
        master1.execute("insert into account values (1, 'original')");
        cluster.awaitReplication();
        assertThat(master2.queryString("select owner from account where id = 1"))
                .isEqualTo("original");

        cluster.pauseReplication();
        assertThatThrownBy(cluster::awaitReplication).hasMessageContaining("paused");
        master1.execute("update account set owner = 'set on master1' where id = 1");
        master2.execute("update account set owner = 'set on master2' where id = 1");
        cluster.resumeReplication();
        cluster.awaitReplication();

        // Each master applied the other's update over its own: no error, no conflict reported, two truths.
        assertThat(master1.queryString("select owner from account where id = 1"))
                .isEqualTo("set on master2");
        assertThat(master2.queryString("select owner from account where id = 1"))
                .isEqualTo("set on master1");
    }
}
