package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.topology.Node;
import java.util.function.Supplier;

/**
 * The write sync modes' {@code synchronous_commit} on a logical connection's PostgreSQL sessions to the primary
 * ({@link SyncPolicy#primarySessionSql}): what a session gets when it opens, and, for {@code syncAck=apply}, what it is
 * brought to between transactions once the server has started or stopped waiting for its standbys. A session whose
 * setting is not the one wanted at a commit is still confirmed correctly, from the standbys themselves: only the
 * server's own wait and the primary's view depend on it.
 */
public final class PrimarySessions {
    private final SyncPolicy policy;
    private final boolean postgres;
    private final Supplier<? extends ReplicaWaits> waits;

    public PrimarySessions(SyncPolicy policy, boolean postgres, Supplier<? extends ReplicaWaits> waits) {
        this.policy = policy;
        this.postgres = postgres;
        this.waits = waits;
    }

    /** Whether the sessions to the primary are Junction's to set at all. */
    public boolean apply() {
        return policy.watchesPrimarySessions(postgres);
    }

    /** Whether a session's setting depends on the server's ({@code syncAck=apply}), so that it may need realigning. */
    public boolean followServer() {
        return apply() && policy.ack() == SyncAck.APPLY;
    }

    /**
     * The setting of a session opened to {@code primary} now (null: the server's own), the server's
     * {@code synchronous_standby_names} read afresh where it decides: a session opens rarely, and its first commit
     * should not wait for a reading up to a second old.
     */
    public String forNewSession(Node primary) {
        return policy.primarySessionSql(postgres, followServer() && waits.get().serverWaits(primary, true));
    }

    /** The setting an open session to {@code primary} should have now, from a reading up to a second old. */
    public String forOpenSession(Node primary) {
        return policy.primarySessionSql(postgres, followServer() && waits.get().serverWaits(primary, false));
    }
}
