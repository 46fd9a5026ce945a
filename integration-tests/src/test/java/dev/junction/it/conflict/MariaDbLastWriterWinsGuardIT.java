package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.conflict.MariaDbGuardTriggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server-side half of last-writer-wins on the MariaDB master-master ring ({@link MariaDbGuardTriggers}, with
 * {@code slave_run_triggers_for_rbr=ENFORCE}): concurrent updates converge on the later stamp on both masters (without
 * the guard they diverge, {@code MariaDbMasterMasterIT}; with {@code YES} instead of {@code ENFORCE} the trigger does
 * not run on applied events and they still diverge, measured). And a fact the design must handle: a key inserted on
 * both masters keeps replication running under {@code slave_exec_mode=IDEMPOTENT}, but each master keeps the other's
 * row (the overwrite bypasses the trigger), which read repair and reconcile must settle. Stamps are written by hand,
 * as Junction's statement stamping will write them.
 */
class MariaDbLastWriterWinsGuardIT {
    /**
     * Stamps are written as {@code BASE + n}: small numbers would be older than the tombstone retention, which the
     * insert guards refuse; rows show {@code _hlc - BASE}, so the order the test means stays readable.
     */
    private static final long BASE = dev.junction.conflict.HlcTimestamp.ofMillis(System.currentTimeMillis());

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> COLUMNS = List.of("id", "stage", "_hlc", "_origin");

    private static MariaDbCluster ring;
    private static MariaDbNode master1;
    private static MariaDbNode master2;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .start();
        master1 = ring.node("master1");
        master2 = ring.node("master2");
        master1.execute("CREATE TABLE model_versions (id INT PRIMARY KEY, stage VARCHAR(40) NOT NULL,"
                + " _hlc BIGINT NOT NULL DEFAULT 0, _origin VARCHAR(64) NOT NULL DEFAULT '')");
        ring.awaitReplication();
        List<String> statements = new ArrayList<>();
        statements.add("SET SESSION sql_log_bin = 0"); // each master gets its own trigger
        statements.addAll(MariaDbGuardTriggers.install("model_versions", List.of("id"), COLUMNS));
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

    private static String row(MariaDbNode master, int id) {
        return master.queryString("SELECT COALESCE((SELECT CONCAT(stage, '@', _hlc - " + BASE
                + ", '/', _origin) FROM model_versions" + " WHERE id = " + id + "), 'none')");
    }

    /** Runs {@code writes} with both masters' replication stopped, then lets them catch up with each other. */
    private static void apart(Runnable writes) {
        master1.stopReplication();
        master2.stopReplication();
        writes.run();
        master1.startReplication();
        master2.startReplication();
        master1.awaitReplicating(TIMEOUT);
        master2.awaitReplicating(TIMEOUT);
        ring.awaitReplication();
    }

    @Test
    void concurrentUpdatesConvergeOnTheLaterStampOnBothMasters() {
        master1.execute("INSERT INTO model_versions VALUES (1, 'staging', " + (BASE + 100) + ", 'm1')");
        ring.awaitReplication();
        apart(() -> {
            master1.execute("UPDATE model_versions SET stage = 'production', _hlc = " + (BASE + 300)
                    + ", _origin = 'm1' WHERE id = 1");
            master2.execute("UPDATE model_versions SET stage = 'archived', _hlc = " + (BASE + 200)
                    + ", _origin = 'm2' WHERE id = 1");
        });
        assertThat(row(master1, 1)).as("master2's older update kept out").isEqualTo("production@300/m1");
        assertThat(row(master2, 1)).isEqualTo("production@300/m1");
        assertThat(ring.masters()).allSatisfy(m -> assertThat(m.isReplicating()).isTrue());
    }

    @Test
    void aKeyInsertedOnBothMastersKeepsReplicationRunningButEachMasterKeepsTheOthersRow() {
        apart(() -> {
            master1.execute("INSERT INTO model_versions VALUES (2, 'inserted on m1', " + (BASE + 500) + ", 'm1')");
            master2.execute("INSERT INTO model_versions VALUES (2, 'inserted on m2', " + (BASE + 600) + ", 'm2')");
        });
        assertThat(row(master1, 2)).isEqualTo("inserted on m2@600/m2");
        assertThat(row(master2, 2)).as("diverged: for reconcile to settle").isEqualTo("inserted on m1@500/m1");
        assertThat(ring.masters()).allSatisfy(m -> assertThat(m.isReplicating()).isTrue());
    }
}
