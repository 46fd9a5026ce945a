package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.PostgresGuardTriggers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server-side half of last-writer-wins on the PostgreSQL two-master bed ({@link PostgresGuardTriggers}): with the
 * guards installed, concurrent updates of one row converge on the later stamp on both masters (without them they
 * diverge, {@code PostgresTwoMasterIT}), an older change arriving late is skipped, and a key inserted on both masters
 * no longer stops replication: the later stamp wins on both and the subscriptions keep applying. The stamps are
 * written by hand here, as Junction's statement stamping will write them.
 */
class PostgresLastWriterWinsGuardIT {
    /**
     * Stamps are written as {@code BASE + n}: small numbers would be older than the tombstone retention, which the
     * insert guards refuse; rows show {@code _hlc - BASE}, so the order the test means stays readable.
     */
    private static final long BASE = dev.junction.conflict.HlcTimestamp.ofMillis(System.currentTimeMillis());

    private static final List<String> COLUMNS = List.of("id", "stage", "_hlc", "_origin");

    private static PostgresTwoMasterCluster cluster;
    private static PostgresNode master1;
    private static PostgresNode master2;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresTwoMasterCluster.start();
        master1 = cluster.node("master1");
        master2 = cluster.node("master2");
        cluster.executeOnBoth("create table model_versions(id int primary key, stage text not null,"
                + " _hlc bigint not null default 0, _origin varchar(64) not null default '')");
        List<String> guards = PostgresGuardTriggers.install("model_versions", List.of("id"), COLUMNS);
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

    private static String row(PostgresNode master, int id) {
        return master.queryString("select coalesce((select stage || '@' || (_hlc - " + BASE
                + ") || '/' || _origin from model_versions where id = " + id + "), 'none')");
    }

    @Test
    void concurrentUpdatesConvergeOnTheLaterStampOnBothMasters() {
        master1.execute("insert into model_versions values (1, 'staging', " + (BASE + 100) + ", 'm1')");
        cluster.awaitReplication();
        cluster.pauseReplication();
        master1.execute("update model_versions set stage = 'production', _hlc = " + (BASE + 300)
                + ", _origin = 'm1' where id = 1");
        master2.execute("update model_versions set stage = 'archived', _hlc = " + (BASE + 200)
                + ", _origin = 'm2' where id = 1");
        cluster.resumeReplication();
        cluster.awaitReplication();
        assertThat(row(master1, 1)).isEqualTo("production@300/m1");
        assertThat(row(master2, 1))
                .as("the older update skipped on master1, the newer applied on master2")
                .isEqualTo("production@300/m1");
    }

    @Test
    void aKeyInsertedOnBothMastersKeepsReplicationRunningAndTheLaterStampWins() {
        cluster.pauseReplication();
        master1.execute("insert into model_versions values (2, 'inserted on m1', " + (BASE + 500) + ", 'm1')");
        master2.execute("insert into model_versions values (2, 'inserted on m2', " + (BASE + 600) + ", 'm2')");
        cluster.resumeReplication();
        cluster.awaitReplication(); // fails at once on an apply error, as a duplicate key was without the guard
        assertThat(row(master1, 2)).isEqualTo("inserted on m2@600/m2");
        assertThat(row(master2, 2)).isEqualTo("inserted on m2@600/m2");
        master2.execute("insert into model_versions values (3, 'after the collision', " + (BASE + 700) + ", 'm2')");
        cluster.awaitReplication();
        assertThat(row(master1, 3)).as("replication still applies").isEqualTo("after the collision@700/m2");
        for (PostgresNode master : cluster.masters()) {
            assertThat(master.queryString("select coalesce(sum(apply_error_count), 0) from pg_stat_subscription_stats"))
                    .as("apply errors on %s", master.name())
                    .isEqualTo("0");
        }
    }

    @Test
    void anApplicationInsertingAKeyThatExistsStillGetsADuplicateKeyError() {
        master1.execute("insert into model_versions values (4, 'first', " + (BASE + 800) + ", 'm1')");
        assertThatThrownBy(() ->
                        master1.execute("insert into model_versions values (4, 'second', " + (BASE + 900) + ", 'm1')"))
                .hasStackTraceContaining("duplicate key");
        cluster.awaitReplication();
        assertThat(row(master2, 4)).isEqualTo("first@800/m1");
    }
}
