package dev.junction.driver.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeAndPropertyTableTest {
    @Test
    void everyErrorCodeHasADistinctVendorCodeAndAFiveCharacterState() {
        assertThat(Arrays.stream(JunctionErrorCode.values()).map(JunctionErrorCode::vendorCode))
                .doesNotHaveDuplicates()
                .allMatch(code -> code >= 91000 && code < 92000);
        assertThat(Arrays.stream(JunctionErrorCode.values()).map(JunctionErrorCode::sqlState))
                .allMatch(s -> s.matches("[0-9A-Z]{5}"));
    }

    @Test
    void statesAreTheContractsOfDesignSectionNine() {
        assertThat(JunctionErrorCode.INVALID_PROPERTY_VALUE.sqlState()).isEqualTo("22023");
        assertThat(JunctionErrorCode.MALFORMED_URL.sqlState()).isEqualTo("22023");
        assertThat((Throwable) JunctionErrorCode.FEATURE_NOT_SUPPORTED.exception("x", "y"))
                .isInstanceOf(SQLFeatureNotSupportedException.class);
        assertThat((Throwable) JunctionErrorCode.WRITE_CONFLICT.exception("t", "x"))
                .isInstanceOf(SQLTransactionRollbackException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("40001");
        assertThat(JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.sqlState()).isEqualTo("08007");
        assertThat((Throwable) JunctionErrorCode.CONNECTION_SWITCHED.exception("a"))
                .isInstanceOf(SQLTransientConnectionException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08S02");
        assertThat((Throwable) JunctionErrorCode.NO_NODE_REACHABLE.exception("c", "r"))
                .isInstanceOf(SQLNonTransientConnectionException.class);
        assertThat(JunctionErrorCode.COMMITTED_NOT_REPLICATED.sqlState())
                .doesNotStartWith("40")
                .doesNotStartWith("08");
    }

    @Test
    void everyTemplateFormatsWithItsArguments() {
        for (JunctionErrorCode code : JunctionErrorCode.values()) {
            long placeholders = code.template().chars().filter(c -> c == '%').count();
            Object[] arguments = new Object[(int) placeholders];
            Arrays.fill(arguments, 1);
            assertThat(code.message(arguments))
                    .as(code.name())
                    .startsWith("[JCT-" + code.vendorCode() + "] ")
                    .doesNotContain("%");
        }
    }

    @Test
    void readmePropertyTableIsUpToDate() throws IOException {
        Path readme = Path.of("..", "README.md");
        String committed = PropertyTable.committed(Files.readString(readme, StandardCharsets.UTF_8));
        assertThat(committed)
                .as(
                        "README.md property table is stale: run java -cp driver/target/classes:router/target/classes dev.junction.driver.internal.config.PropertyTable README.md")
                .isEqualTo(PropertyTable.markdown());
    }
}
