package dev.junction.driver.internal.pipeline;

/**
 * Which logged session changes touch the read-only guard of replica connections ({@link NodeSession}): the guard
 * makes a replica connection read-only at the server, and the application's own session statements could lift it.
 * Keys are those of the replay log ({@link StatementInfo#sessionKey()}, {@link SessionSettings}).
 */
final class ReplicaGuard {
    private static final String NETWORK_TIMEOUT = SessionSettings.CLIENT_SIDE + "networkTimeout";

    private ReplicaGuard() {}

    /**
     * A change never replayed on a replica connection: it sets the read-only mode itself
     * ({@code transaction_read_only}, {@code default_transaction_read_only}, {@code tx_read_only}). A PostgreSQL
     * standby refuses {@code SET transaction_read_only = off}, and on MySQL/MariaDB it would lift the guard; on the
     * primary, where such statements run, it does what the application asked.
     */
    static boolean skipsOnReplica(String key) {
        return key != null && key.contains("read_only");
    }

    /**
     * A change that may lift the read-only mode as a side effect, after which it is set again: session transaction
     * characteristics ({@code SET SESSION TRANSACTION READ WRITE}), a reset of everything, an unknown setting.
     */
    static boolean mayLift(String key) {
        return key == null
                || key.startsWith("#")
                || key.equals(StatementInfo.RESET_ALL)
                || key.equals("transaction_characteristics")
                || key.startsWith("discard");
    }

    /**
     * The application's network timeout, which the guard's {@code replicaReadTimeout} bounds: applied again after it
     * without a round trip (both backend drivers keep it on the client). HikariCP sets it around every validation.
     */
    static boolean setsNetworkTimeout(String key) {
        return NETWORK_TIMEOUT.equals(key);
    }

    /** A session statement that runs on the primary rather than on the replica the session last used. */
    static boolean runsOnPrimary(String key) {
        return skipsOnReplica(key) || mayLift(key);
    }
}
