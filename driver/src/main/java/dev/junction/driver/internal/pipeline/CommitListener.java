package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.Node;
import java.util.Set;

/**
 * The commit seam of a statement's execution: told once for every commit of work that wrote, whatever ended it
 * ({@code commit()}, a {@code COMMIT}/{@code END}/{@code XA COMMIT} statement, an auto-commit write, a MySQL implicit
 * commit, {@code setAutoCommit(true)} with work pending), in every consistency mode. Read-your-writes listens; write
 * sync ({@link dev.junction.driver.internal.sync.CommitSync}) is told after the listeners by {@link CommitRecorder}
 * and waits once the call that committed has returned; multi-master stamping is meant to listen.
 *
 * <p>Called on the application's thread right after the commit returned: a listener must be quick, and must not
 * throw.
 */
@FunctionalInterface
public interface CommitListener {
    /**
     * @param node   the node the commit ran on
     * @param tables the tables the committed work wrote; empty when they are not known (count as every table); null
     *               when no listener of the connection asked for them to be tracked
     */
    void committed(Node node, Set<String> tables);
}
