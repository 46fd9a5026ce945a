package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.conflict.RowVersion;
import dev.junction.driver.internal.backend.HostAndPort;
import org.junit.jupiter.api.Test;

class ConflictStampingTest {
    @Test
    void theOriginOfAMasterIsOneReconcileAndVersionVectorsAccept() {
        assertThat(ConflictStamping.originOf(new HostAndPort("127.0.0.1", 5432)))
                .isEqualTo("127.0.0.1_5432");
        assertThat(ConflictStamping.originOf(new HostAndPort("::1", 5432))).isEqualTo("[__1]_5432");
        for (HostAndPort address :
                new HostAndPort[] {new HostAndPort("db-east", 3306), new HostAndPort("fe80::1", 1)}) {
            String origin = ConflictStamping.originOf(address);
            assertThat(RowVersion.written("row", 1L, origin).origin()).isEqualTo(origin);
        }
    }
}
