package dev.junction.it.conflict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ConvergenceContract} on a MariaDB master-master ring with the guard triggers: a key inserted on both masters leaves each with the other's row, which reconcile settles. */
class MariaDbConvergenceIT extends ConvergenceContract {
    private static TwoMasterBed bed;

    @BeforeAll
    static void startBed() {
        bed = TwoMasterBed.mariaDb();
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
