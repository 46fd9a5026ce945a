package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.BackendDialect;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import org.junit.jupiter.api.Test;

/** The failure seam reads the whole exception: its next-exception chain and its causes, not the top alone. */
class FailureKindTest {
    @Test
    void aLostConnectionIsFoundInTheNextExceptionChainOfABatch() {
        BatchUpdateException batch =
                new BatchUpdateException("Batch entry 0 was aborted", "08006", 0, new int[0], null);
        SQLException top = new SQLException("Batch entry 0 was aborted", (String) null);
        top.setNextException(new SQLException("I/O error", "08006"));
        assertThat(FailureKind.of(top, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(FailureKind.of(batch, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.CONNECTION_LOST);
    }

    @Test
    void aReadOnlyRefusalIsFoundAsACause() {
        SQLException wrapped = new SQLException(
                "wrapper",
                "HY000",
                new SQLException("Cannot execute statement in a READ ONLY transaction", "25006", 1792));
        assertThat(FailureKind.of(wrapped, BackendDialect.MYSQL)).isEqualTo(FailureKind.NODE_READ_ONLY);
        assertThat(FailureKind.of(
                        new SQLException("cannot execute INSERT in a read-only transaction", "25006"),
                        BackendDialect.POSTGRESQL))
                .isEqualTo(FailureKind.NODE_READ_ONLY);
    }

    @Test
    void theMostConsequentialKindWins() {
        SQLException serialization = new SQLException("could not serialize access", "40001");
        serialization.setNextException(new SQLRecoverableException("connection reset", "08006"));
        assertThat(FailureKind.of(serialization, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(FailureKind.of(new SQLException("deadlock detected", "40P01"), BackendDialect.POSTGRESQL))
                .isEqualTo(FailureKind.SERIALIZATION);
        assertThat(FailureKind.of(new SQLException("duplicate key", "23505"), BackendDialect.POSTGRESQL))
                .isEqualTo(FailureKind.OTHER);
    }

    @Test
    void aCycleInTheChainEnds() {
        SQLException a = new SQLException("a", "42000");
        SQLException b = new SQLException("b", "42000");
        a.setNextException(b);
        b.setNextException(a);
        assertThat(FailureKind.of(a, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.OTHER);
    }
}
