package dev.junction.it.conflict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ReconcileContract} on PostgreSQL 16+ bidirectional logical replication. */
class PostgresReconcileIT extends ReconcileContract {
    private static TwoMasterBed bed;

    @BeforeAll
    static void startBed() {
        bed = TwoMasterBed.postgres();
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
