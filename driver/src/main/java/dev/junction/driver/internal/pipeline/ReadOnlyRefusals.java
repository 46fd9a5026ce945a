package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;

/**
 * Records a statement that a replica refused as read-only although Junction had classified it as a read: the
 * classifier misjudged it (a function or view that writes, say), the guard of {@link NodeSession} caught it, and it
 * runs on the primary instead. Counted per node ({@link Node#readOnlyRefusals()}) and logged at debug level with what
 * the classifier saw, so that the cause can be found; the SQL text itself is not logged, since its literals may be
 * anything the application sends.
 */
final class ReadOnlyRefusals {
    private static final System.Logger LOG = System.getLogger("dev.junction.routing");

    private ReadOnlyRefusals() {}

    static void record(Node node, StatementInfo info, SQLException refusal) {
        node.refusedAsReadOnly();
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Replica {0} refused a statement as read-only ({1} {2}); it ran on the primary. "
                            + "The classifier took it for a read: {3}",
                    node.address(),
                    refusal.getSQLState(),
                    refusal.getErrorCode(),
                    info.classification());
        }
    }
}
