package dev.junction.spring;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.junction.driver.JunctionErrorCode;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * HikariCP's say on Junction's own errors: a pool evicts a connection on any SQLState of class {@code 08}, on
 * {@code 0A000} and a few others, but Junction raises some of those for conditions of the cluster or of one statement
 * that leave the logical connection as usable as before. Evicting it then costs a new logical connection (its
 * sessions to every node) and, during a failover, empties the pool exactly when it is needed.
 *
 * <p>An exception is Junction's when its vendor code ({@link SQLException#getErrorCode()}) is the
 * {@link JunctionErrorCode#vendorCode()} of one of its codes (91000–91999, which no PostgreSQL or MySQL/MariaDB code
 * is). For those that leave the connection usable ({@link #KEEPS_CONNECTION}: no primary or no fresh replica for now,
 * a switched session, a lost commit outcome, conflicts, invalid values, refused routing, unsupported features...) the
 * answer is {@code DO_NOT_EVICT}; for every other exception, Junction's connection-level failures included (no node
 * reachable, the connection closed), {@code CONTINUE_EVICT}: Hikari's own reading applies. Hikari asks about every
 * exception of a {@code getNextException} chain, so a backend error chained after a Junction one is still read by
 * Hikari.
 *
 * <p>The auto-configuration sets this class on a Boot-created {@code HikariDataSource} whose URL is Junction's, unless
 * the application named an override itself; elsewhere set it with {@code
 * spring.datasource.hikari.exception-override-class-name=dev.junction.spring.JunctionHikariExceptionOverride}.
 * Stateless and thread-safe, as Hikari requires.
 */
public final class JunctionHikariExceptionOverride implements SQLExceptionOverride {
    /**
     * Junction's errors after which the logical connection is still usable. Every other code (a node that could not be
     * reached or opened, no node accepting the connection, a missing backend driver, a closed connection) leaves the
     * decision to Hikari.
     */
    static final Set<JunctionErrorCode> KEEPS_CONNECTION = EnumSet.of(
            // Configuration and values: the statement or call was wrong, not the connection.
            JunctionErrorCode.MALFORMED_URL,
            JunctionErrorCode.UNKNOWN_BACKEND,
            JunctionErrorCode.INVALID_PROPERTY_VALUE,
            JunctionErrorCode.REPLACED_BACKEND_PROPERTY,
            JunctionErrorCode.INVALID_PROPERTY_CLASS,
            JunctionErrorCode.BACKEND_PROPERTY_REJECTED,
            JunctionErrorCode.COMMIT_OUTCOME_TABLE,
            JunctionErrorCode.INVALID_CAUSAL_TOKEN,
            // The cluster, for now: the same connection serves once a primary or a fresh replica is back.
            JunctionErrorCode.NO_PRIMARY,
            JunctionErrorCode.SEVERAL_PRIMARIES,
            JunctionErrorCode.FAILOVER_TIMEOUT,
            JunctionErrorCode.NO_FRESH_REPLICA,
            // The session went on on another node; the application retries or checks, on this connection.
            JunctionErrorCode.CONNECTION_SWITCHED,
            JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN,
            JunctionErrorCode.COMMIT_ROLLED_BACK,
            JunctionErrorCode.TRANSACTION_NOT_REPLAYED,
            JunctionErrorCode.COMMITTED_NOT_REPLICATED,
            JunctionErrorCode.COMMITTED_NOT_REPLICATED_DEGRADED,
            // One statement's or transaction's own error.
            JunctionErrorCode.WRITE_CONFLICT,
            JunctionErrorCode.OPTIMISTIC_TRANSACTION_CONFLICT,
            JunctionErrorCode.UNSTAMPABLE_WRITE,
            JunctionErrorCode.RECONCILE_REFUSED,
            JunctionErrorCode.ROUTING_REFUSED,
            JunctionErrorCode.FEATURE_NOT_SUPPORTED,
            JunctionErrorCode.STATEMENT_CLOSED,
            JunctionErrorCode.NOT_EXECUTED,
            JunctionErrorCode.NOT_A_WRAPPER);

    private static final Map<Integer, JunctionErrorCode> BY_VENDOR_CODE = Arrays.stream(JunctionErrorCode.values())
            .collect(Collectors.toUnmodifiableMap(JunctionErrorCode::vendorCode, Function.identity()));

    /** Hikari instantiates it by name: public, with a public no-argument constructor. */
    public JunctionHikariExceptionOverride() {}

    @java.lang.Override
    public Override adjudicate(SQLException exception) {
        return junctionCode(exception)
                .filter(KEEPS_CONNECTION::contains)
                .map(code -> Override.DO_NOT_EVICT)
                .orElse(Override.CONTINUE_EVICT);
    }

    /** The Junction error {@code exception} is, if it is one of Junction's own. */
    static Optional<JunctionErrorCode> junctionCode(SQLException exception) {
        return Optional.ofNullable(BY_VENDOR_CODE.get(exception.getErrorCode()));
    }
}
