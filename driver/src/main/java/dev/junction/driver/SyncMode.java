package dev.junction.driver;

/**
 * How many replicas must have a commit before it counts as acknowledged (design §6): property {@code syncMode},
 * spelled {@code async}, {@code semi-sync}, {@code sync} or {@code quorum:N}.
 *
 * @param kind   which rule
 * @param quorum N for {@link Kind#QUORUM}; 0 for {@link Kind#ASYNC}, 1 for {@link Kind#SEMI_SYNC}, -1 (every replica
 *               that is up) for {@link Kind#SYNC}
 */
public record SyncMode(Kind kind, int quorum) {
    /** No replica needs to confirm. */
    public static final SyncMode ASYNC = new SyncMode(Kind.ASYNC, 0);
    /** At least one replica confirms. */
    public static final SyncMode SEMI_SYNC = new SyncMode(Kind.SEMI_SYNC, 1);
    /** Every replica that is up confirms. */
    public static final SyncMode SYNC = new SyncMode(Kind.SYNC, -1);

    /** The rule of a {@link SyncMode}. */
    public enum Kind {
        ASYNC,
        SEMI_SYNC,
        SYNC,
        QUORUM
    }

    public SyncMode {
        if (kind == Kind.QUORUM && quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1, was " + quorum);
        }
    }

    /** {@code quorum:N}. */
    public static SyncMode quorum(int n) {
        return new SyncMode(Kind.QUORUM, n);
    }

    /**
     * Parses {@code async}, {@code semi-sync}, {@code sync} or {@code quorum:N} (N at least 1).
     *
     * @throws IllegalArgumentException when {@code text} is none of these
     */
    public static SyncMode parse(String text) {
        switch (text) {
            case "async":
                return ASYNC;
            case "semi-sync":
                return SEMI_SYNC;
            case "sync":
                return SYNC;
            default:
                if (text.startsWith("quorum:")) {
                    try {
                        int n = Integer.parseInt(text.substring("quorum:".length()));
                        if (n >= 1) {
                            return quorum(n);
                        }
                    } catch (NumberFormatException ignored) {
                        // falls through to the one error message below
                    }
                }
                throw new IllegalArgumentException(text);
        }
    }

    @Override
    public String toString() {
        switch (kind) {
            case ASYNC:
                return "async";
            case SEMI_SYNC:
                return "semi-sync";
            case SYNC:
                return "sync";
            default:
                return "quorum:" + quorum;
        }
    }
}
