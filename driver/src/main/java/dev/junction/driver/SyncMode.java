package dev.junction.driver;

/**
 * How many replicas must have a commit before it counts as acknowledged (design §6): property {@code syncMode},
 * spelled {@code async}, {@code semi-sync}, {@code sync}, {@code majority} or {@code quorum:N}.
 *
 * @param kind   which rule
 * @param quorum N for {@link Kind#QUORUM}; 0 for {@link Kind#ASYNC} and for {@link Kind#MAJORITY} (whose count
 *               follows from the nodes the URL names), 1 for {@link Kind#SEMI_SYNC}, -1 (every replica that is up) for
 *               {@link Kind#SYNC}
 */
public record SyncMode(Kind kind, int quorum) {
    /** No replica needs to confirm. */
    public static final SyncMode ASYNC = new SyncMode(Kind.ASYNC, 0);
    /** At least one replica confirms. */
    public static final SyncMode SEMI_SYNC = new SyncMode(Kind.SEMI_SYNC, 1);
    /** Every replica that is up confirms. */
    public static final SyncMode SYNC = new SyncMode(Kind.SYNC, -1);
    /**
     * A majority of the nodes the URL names holds the commit, the primary counting as one: with 3 nodes 1 replica,
     * with 5 nodes 2. Whatever minority of the nodes is lost, the nodes left include one that holds every acknowledged
     * commit (MongoDB's {@code w: "majority"}, EDB's {@code MAJORITY} commit scope).
     */
    public static final SyncMode MAJORITY = new SyncMode(Kind.MAJORITY, 0);

    /** What every value of {@code syncMode} is, for error messages: one source for every place that parses one. */
    public static final String EXPECTED = "one of async, semi-sync, sync, majority or quorum:N with N at least 1";

    /** The rule of a {@link SyncMode}. */
    public enum Kind {
        ASYNC,
        SEMI_SYNC,
        SYNC,
        MAJORITY,
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
     * Parses {@code async}, {@code semi-sync}, {@code sync}, {@code majority} or {@code quorum:N} (N at least 1).
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
            case "majority":
                return MAJORITY;
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
            case MAJORITY:
                return "majority";
            default:
                return "quorum:" + quorum;
        }
    }
}
