package dev.junction.cluster;

/**
 * A local cluster could not be started or controlled. Unchecked because every caller (a test, the demo,
 * a benchmark) can only give up: the message says which node and what to look at (usually a log file).
 */
public final class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
