package dev.junction.it.conflict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ReconcileContract} on a MariaDB master-master ring. */
class MariaDbReconcileIT extends ReconcileContract {
    private static TwoMasterBed bed;

    @BeforeAll
    static void startBed() {
        bed = TwoMasterBed.mariaDb();
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
