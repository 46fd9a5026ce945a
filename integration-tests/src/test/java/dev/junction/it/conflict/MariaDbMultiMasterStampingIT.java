package dev.junction.it.conflict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MultiMasterStampingContract} on a MariaDB master-master ring configured as the guards need. */
class MariaDbMultiMasterStampingIT extends MultiMasterStampingContract {
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
