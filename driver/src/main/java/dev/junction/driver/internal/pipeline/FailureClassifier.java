package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionExceptionOverride;
import dev.junction.driver.JunctionExceptionOverride.Verdict;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The failure seam's reading of a backend exception: the application's {@link JunctionExceptionOverride}
 * (property {@code exceptionOverrideClassName}) is asked first, and where it has no opinion Junction's own
 * {@link FailureKind#of} applies, walking the next-exception chain and the causes. One per logical connection,
 * from {@link ConnectionSettings#failureClassifier}.
 *
 * <p>The override is application code running inside the failure path, so it cannot make things worse: if it throws
 * a {@link RuntimeException} or answers {@code null}, Junction's own reading applies and the caller goes on to raise
 * the original exception. The first such misbehaviour is logged at {@code WARNING} with what the override threw;
 * later ones on the same connection at {@code DEBUG}, so that an override that fails on every error does not log on
 * every error, while each new connection (a pool replaces them) reports it again.
 */
public final class FailureClassifier {
    private static final System.Logger LOG = System.getLogger("dev.junction.failures");

    private final JunctionExceptionOverride override;
    private final BackendDialect dialect;
    private final System.Logger log;
    private final AtomicBoolean warned = new AtomicBoolean();

    public FailureClassifier(JunctionExceptionOverride override, BackendDialect dialect) {
        this(override, dialect, LOG);
    }

    /** @param log where misbehaviour of the override is reported (tests pass their own) */
    FailureClassifier(JunctionExceptionOverride override, BackendDialect dialect, System.Logger log) {
        this.override = override;
        this.dialect = dialect;
        this.log = log;
    }

    /** What {@code e}, raised by a connection to {@code node}, says about the node and the work. */
    FailureKind classify(SQLException e, Node node) {
        if (override == JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME.defaultValue()) {
            return FailureKind.of(e, dialect);
        }
        return switch (adjudicate(e, node)) {
            case JUNCTION_DECIDES -> FailureKind.of(e, dialect);
            case CONNECTION_LOST -> FailureKind.CONNECTION_LOST;
            case NODE_READ_ONLY -> FailureKind.NODE_READ_ONLY;
            case STATEMENT_ERROR ->
                FailureKind.of(e, dialect) == FailureKind.SERIALIZATION ? FailureKind.SERIALIZATION : FailureKind.OTHER;
        };
    }

    private Verdict adjudicate(SQLException e, Node node) {
        Verdict verdict;
        try {
            verdict = override.adjudicate(
                    e,
                    new JunctionExceptionOverride.Node(
                            node.address().toString(), node.role().label()));
        } catch (RuntimeException thrown) {
            misbehaved(e, node, "threw " + thrown.getClass().getName(), thrown);
            return Verdict.JUNCTION_DECIDES;
        }
        if (verdict == null) {
            misbehaved(e, node, "returned null", null);
            return Verdict.JUNCTION_DECIDES;
        }
        return verdict;
    }

    /**
     * Names the override, what it did, and the failure by SQLState and vendor code only: the message of a backend
     * exception may quote the statement's values.
     */
    private void misbehaved(SQLException e, Node node, String what, RuntimeException thrown) {
        boolean first = warned.compareAndSet(false, true);
        System.Logger.Level level = first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        if (!log.isLoggable(level)) {
            return;
        }
        String message = String.format(
                Locale.ROOT,
                "Exception override %s %s on %s (SQLState %s, vendor code %d) from node %s; "
                        + "Junction's own reading of the failure applies.%s",
                override.getClass().getName(),
                what,
                e.getClass().getName(),
                e.getSQLState(),
                e.getErrorCode(),
                node,
                first ? " Further failures of the override on this connection are logged at DEBUG." : "");
        if (thrown == null) {
            log.log(level, message);
        } else {
            log.log(level, message, thrown);
        }
    }
}
