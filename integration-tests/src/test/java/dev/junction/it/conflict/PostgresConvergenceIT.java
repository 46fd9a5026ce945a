package dev.junction.it.conflict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ConvergenceContract} on PostgreSQL 16+ bidirectional logical replication with the guard triggers. */
class PostgresConvergenceIT extends ConvergenceContract {
    private static TwoMasterBed bed;

    @BeforeAll
    static void startBed() {
        bed = TwoMasterBed.postgres();
        createTables(bed);
    }

    @AfterAll
    static void stopBed() {
        if (bed != null) {
            bed.close();
        }
    }

    @Override
    TwoMasterBed bed() {
        return bed;
    }
}
