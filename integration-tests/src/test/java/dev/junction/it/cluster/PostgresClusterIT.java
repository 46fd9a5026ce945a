package dev.junction.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.Lsn;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.ServerRole;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The PostgreSQL test bed does what the rest of the project relies on: streaming replicas that follow,
 * lag on demand, and a failover a test can stage. One cluster for the class: the failover test runs last
 * because it changes who the primary is.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresClusterIT {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        System.out.println(cluster.binaries() + " cluster of 3 up in "
                + cluster.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            var processes = cluster.nodes().stream().map(PostgresNode::process).toList();
            cluster.close();
            assertThat(processes)
                    .allSatisfy(
                            p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
        }
    }

    @Test
    @Order(1)
    void startsOnePrimaryAndTwoStreamingStandbys() {
        assertThat(cluster.primary().role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(cluster.standbys()).extracting(PostgresNode::role).containsOnly(ServerRole.REPLICA);
        assertThat(cluster.streamingStandbys()).containsExactly("standby1", "standby2");
        assertThat(cluster.nodes()).extracting(PostgresNode::port).doesNotHaveDuplicates();
    }

    @Test
    @Order(2)
    void rowWrittenOnPrimaryAppearsOnBothStandbys() {
        cluster.primary()
                .execute("create table seen(id int primary key, note text)", "insert into seen values (1, 'hello')");
        cluster.awaitReplication();
        for (PostgresNode standby : cluster.standbys()) {
            assertThat(standby.queryString("select note from seen where id = 1"))
                    .as(standby.name())
                    .isEqualTo("hello");
        }
    }

    @Test
    @Order(3)
    void standbysRefuseWrites() {
        PostgresNode standby = cluster.standbys().get(0);
        assertThatThrownBy(() -> standby.execute("create table nope(id int)"))
                .hasMessageContaining("read-only transaction");
    }

    @Test
    @Order(4)
    void pausedReplayMakesTheStandbyFallBehindUntilResumed() {
        PostgresNode paused = cluster.node("standby1");
        PostgresNode streaming = cluster.node("standby2");
        paused.pauseReplay();
        try {
            assertThat(paused.isReplayPaused()).isTrue();
            cluster.primary()
                    .execute("create table lagging(id int)", "insert into lagging select generate_series(1, 1000)");
            Lsn written = cluster.primary().lsn();
            streaming.awaitReplay(written, Duration.ofSeconds(30));
            assertThat(paused.lsn()).isLessThan(written);
            assertThat(paused.receiveLsn())
                    .as("paused replay still receives WAL")
                    .isNotNull();
        } finally {
            paused.resumeReplay();
        }
        paused.awaitReplay(cluster.primary().lsn(), Duration.ofSeconds(30));
        assertThat(paused.queryString("select count(*) from lagging")).isEqualTo("1000");
    }

    @Test
    @Order(5)
    void synchronousStandbyNamesCanBeSet() {
        cluster.setSynchronousStandbyNames("ANY 1 (standby1, standby2)");
        assertThat(cluster.primary().queryString("show synchronous_standby_names"))
                .isEqualTo("ANY 1 (standby1, standby2)");
        cluster.primary().execute("insert into seen values (2, 'synchronous')");
        assertThat(
                        cluster.primary()
                                .queryString(
                                        "select string_agg(sync_state, ',' order by application_name) from pg_stat_replication"))
                .isEqualTo("quorum,quorum");
        cluster.setSynchronousStandbyNames("");
    }

    @Test
    @Order(6)
    void killedPrimaryAndPromotedStandbyAcceptWritesAndTheOtherStandbyFollows() {
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode promoted = cluster.node("standby1");
        PostgresNode follower = cluster.node("standby2");
        cluster.awaitReplication();
        long pid = oldPrimary.process().pid();

        oldPrimary.kill();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(oldPrimary.role()).isEqualTo(ServerRole.UNREACHABLE);

        promoted.promote();
        cluster.repoint(follower, promoted);
        assertThat(cluster.currentPrimary()).contains(promoted);
        promoted.execute("insert into seen values (3, 'after failover')");
        follower.awaitReplay(promoted.lsn(), Duration.ofSeconds(30));
        assertThat(follower.queryString("select note from seen where id = 3")).isEqualTo("after failover");
        assertThat(follower.role()).isEqualTo(ServerRole.REPLICA);
        assertThat(cluster.streamingStandbys()).containsExactly("standby2");
    }
}
