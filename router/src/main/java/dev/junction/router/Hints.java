package dev.junction.router;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Routing hints a statement carries in its leading comments.
 *
 * <h2>Syntax</h2>
 *
 * A hint comment is a block comment placed before the first token of the statement whose text
 * starts with {@code junction:}, followed by directives separated by spaces or commas:
 *
 * <pre>
 * /* junction:primary * /                      run on the primary
 * /* junction:replica * /                      run on a replica; read-your-writes waived
 * /* junction:maxReplicaLag=2s * /             lag budget for this statement (ms, s, m, h)
 * /* junction:consistency=eventual * /         eventual | session | global | strong
 * /* junction:syncMode=sync * /                the commit that includes this write waits for that
 *                                              sync mode (async | semi-sync | sync | quorum:N)
 * /* junction:replica maxReplicaLag=250ms * /  several directives in one comment
 * /* load User * / /* junction:replica * /     other leading comments are allowed
 * </pre>
 *
 * (The space inside {@code * /} above only keeps this javadoc valid.) Directive names ignore case.
 * Comments after the first token are not read, so a hint in a string literal or deep inside a
 * statement never changes routing. Unknown or malformed directives are not errors: they are
 * ignored and listed in {@link #ignored()} so the driver can log them once. The exception is
 * {@code syncMode}, whose value is kept as written ({@link #syncMode()}) for the driver to
 * validate: a durability request must fail loudly, not be dropped.
 *
 * <h2>Meaning</h2>
 *
 * A hint can relax or tighten how a read is routed, never where a write goes: a {@code
 * junction:replica} hint on an {@code UPDATE} still runs on the primary. {@code primary} wins
 * over {@code replica} when both are given. {@code replica} without an explicit {@code
 * consistency} means {@code consistency=eventual}: the caller accepts a replica's view, bounded
 * only by the lag budget.
 */
public final class Hints {

    /** No hints. */
    public static final Hints NONE = new Hints(false, false, null, null, null, List.of());

    private final boolean primary;
    private final boolean replica;
    private final Duration maxReplicaLag;
    private final ReadConsistency consistency;
    private final String syncMode;
    private final List<String> ignored;

    private Hints(
            boolean primary,
            boolean replica,
            Duration maxReplicaLag,
            ReadConsistency consistency,
            String syncMode,
            List<String> ignored) {
        this.primary = primary;
        this.replica = replica && !primary;
        this.maxReplicaLag = maxReplicaLag;
        this.consistency = consistency;
        this.syncMode = syncMode;
        this.ignored = List.copyOf(ignored);
    }

    /**
     * Creates hints; {@code primary} wins over {@code replica}.
     *
     * @param maxReplicaLag lag budget override, or {@code null}
     * @param consistency consistency override, or {@code null}
     * @param ignored directives that were not understood, as written
     */
    public static Hints of(
            boolean primary,
            boolean replica,
            Duration maxReplicaLag,
            ReadConsistency consistency,
            List<String> ignored) {
        return of(primary, replica, maxReplicaLag, consistency, null, ignored);
    }

    /**
     * The same with a {@code syncMode} directive's value as written, or {@code null}.
     */
    public static Hints of(
            boolean primary,
            boolean replica,
            Duration maxReplicaLag,
            ReadConsistency consistency,
            String syncMode,
            List<String> ignored) {
        if (!primary
                && !replica
                && maxReplicaLag == null
                && consistency == null
                && syncMode == null
                && ignored.isEmpty()) {
            return NONE;
        }
        return new Hints(primary, replica, maxReplicaLag, consistency, syncMode, ignored);
    }

    /** {@code junction:primary}: the statement runs on the primary. */
    public boolean primary() {
        return primary;
    }

    /** {@code junction:replica}: a read may use a replica even under {@code strong} consistency. */
    public boolean replica() {
        return replica;
    }

    /** {@code junction:maxReplicaLag=...}, or {@code null} when not given. */
    public Duration maxReplicaLag() {
        return maxReplicaLag;
    }

    /** {@code junction:consistency=...}, or {@code null} when not given. */
    public ReadConsistency consistency() {
        return consistency;
    }

    /**
     * {@code junction:syncMode=...}'s value as written (not validated here), or {@code null} when not given: the
     * write's commit waits for that mode (design §6).
     */
    public String syncMode() {
        return syncMode;
    }

    /** Directives that were not understood, as written; empty when all were. */
    public List<String> ignored() {
        return ignored;
    }

    /** True when no directive was found at all. */
    public boolean isEmpty() {
        return this == NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hints h
                && primary == h.primary
                && replica == h.replica
                && Objects.equals(maxReplicaLag, h.maxReplicaLag)
                && consistency == h.consistency
                && Objects.equals(syncMode, h.syncMode)
                && ignored.equals(h.ignored);
    }

    @Override
    public int hashCode() {
        return Objects.hash(primary, replica, maxReplicaLag, consistency, syncMode, ignored);
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "Hints[]";
        }
        StringBuilder s = new StringBuilder("Hints[");
        if (primary) {
            s.append("primary ");
        }
        if (replica) {
            s.append("replica ");
        }
        if (maxReplicaLag != null) {
            s.append("maxReplicaLag=").append(maxReplicaLag).append(' ');
        }
        if (syncMode != null) {
            s.append("syncMode=").append(syncMode).append(' ');
        }
        if (consistency != null) {
            s.append("consistency=").append(consistency.propertyValue()).append(' ');
        }
        if (!ignored.isEmpty()) {
            s.append("ignored=").append(ignored).append(' ');
        }
        s.setLength(s.length() - 1);
        return s.append(']').toString();
    }
}
