package dev.junction.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import dev.junction.driver.JunctionErrorCode;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JunctionHikariExceptionOverrideTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("%([a-z])");

    private final JunctionHikariExceptionOverride override = new JunctionHikariExceptionOverride();

    /**
     * Every Junction error code with the verdict it gets: a code added to the registry fails
     * {@link #everyJunctionCodeHasADecidedVerdict()} until someone decides whether it leaves the connection usable.
     */
    private static final Map<JunctionErrorCode, Override> VERDICTS = new EnumMap<>(JunctionErrorCode.class);

    static {
        for (JunctionErrorCode code : new JunctionErrorCode[] {
            JunctionErrorCode.BACKEND_DRIVER_MISSING,
            JunctionErrorCode.NO_NODE_REACHABLE,
            JunctionErrorCode.NO_NODE_ACCEPTED,
            JunctionErrorCode.NODE_UNREACHABLE,
            JunctionErrorCode.CONNECTION_CLOSED
        }) {
            VERDICTS.put(code, Override.CONTINUE_EVICT);
        }
        for (JunctionErrorCode code : new JunctionErrorCode[] {
            JunctionErrorCode.MALFORMED_URL,
            JunctionErrorCode.UNKNOWN_BACKEND,
            JunctionErrorCode.INVALID_PROPERTY_VALUE,
            JunctionErrorCode.REPLACED_BACKEND_PROPERTY,
            JunctionErrorCode.INVALID_PROPERTY_CLASS,
            JunctionErrorCode.BACKEND_PROPERTY_REJECTED,
            JunctionErrorCode.COMMIT_OUTCOME_TABLE,
            JunctionErrorCode.INVALID_CAUSAL_TOKEN,
            JunctionErrorCode.NO_PRIMARY,
            JunctionErrorCode.SEVERAL_PRIMARIES,
            JunctionErrorCode.FAILOVER_TIMEOUT,
            JunctionErrorCode.NO_FRESH_REPLICA,
            JunctionErrorCode.CONNECTION_SWITCHED,
            JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN,
            JunctionErrorCode.COMMIT_ROLLED_BACK,
            JunctionErrorCode.TRANSACTION_NOT_REPLAYED,
            JunctionErrorCode.COMMITTED_NOT_REPLICATED,
            JunctionErrorCode.COMMITTED_NOT_REPLICATED_DEGRADED,
            JunctionErrorCode.WRITE_CONFLICT,
            JunctionErrorCode.OPTIMISTIC_TRANSACTION_CONFLICT,
            JunctionErrorCode.UNSTAMPABLE_WRITE,
            JunctionErrorCode.RECONCILE_REFUSED,
            JunctionErrorCode.ROUTING_REFUSED,
            JunctionErrorCode.FEATURE_NOT_SUPPORTED,
            JunctionErrorCode.STATEMENT_CLOSED,
            JunctionErrorCode.NOT_EXECUTED,
            JunctionErrorCode.NOT_A_WRAPPER
        }) {
            VERDICTS.put(code, Override.DO_NOT_EVICT);
        }
    }

    @Test
    void everyJunctionCodeHasADecidedVerdict() {
        assertThat(VERDICTS.keySet()).containsExactlyInAnyOrder(JunctionErrorCode.values());
    }

    @Test
    void answersEachJunctionErrorAsItsVerdictSays() {
        for (JunctionErrorCode code : JunctionErrorCode.values()) {
            SQLException exception = code.exception(argumentsFor(code));
            assertThat(override.adjudicate(exception))
                    .as(
                            "%s (%s, %s)",
                            code, code.sqlState(), exception.getClass().getSimpleName())
                    .isEqualTo(VERDICTS.get(code));
        }
    }

    /** One argument per placeholder of the template: a number for {@code %d}, text for the others. */
    private static Object[] argumentsFor(JunctionErrorCode code) {
        return PLACEHOLDER
                .matcher(code.template())
                .results()
                .map(match -> match.group(1).equals("d") ? (Object) 1 : "x")
                .toArray();
    }

    @Test
    void keepsConnectionOnNoFreshReplicaAlthoughItsStateIsOfClass08() {
        SQLException exception = JunctionErrorCode.NO_FRESH_REPLICA.exception("c", "1s", "session", "behind");
        assertThat(exception.getSQLState()).startsWith("08");
        assertThat(override.adjudicate(exception)).isEqualTo(Override.DO_NOT_EVICT);
    }

    @Test
    void keepsConnectionOnAJunctionErrorRaisedWithTheStateTheNodesAgreedOn() {
        SQLException exception = JunctionErrorCode.NO_PRIMARY.exceptionWithState("08006", null, "c", "nodes");
        assertThat(override.adjudicate(exception)).isEqualTo(Override.DO_NOT_EVICT);
    }

    @Test
    void leavesBackendErrorsToHikari() {
        assertThat(override.adjudicate(new SQLNonTransientConnectionException("I/O error", "08006", 0)))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(override.adjudicate(new SQLException("Lost connection", "08S01", 2013)))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(override.adjudicate(new SQLException("terminating connection", "57P01", 0)))
                .isEqualTo(Override.CONTINUE_EVICT);
    }

    @Test
    void leavesAClosedJunctionConnectionToHikari() {
        assertThat(override.adjudicate(JunctionErrorCode.CONNECTION_CLOSED.exception()))
                .isEqualTo(Override.CONTINUE_EVICT);
    }
}
