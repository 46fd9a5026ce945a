package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.topology.Node;
import java.time.Duration;

/** Waits until enough replicas hold what {@code primary} has committed: {@link ReplicaAcknowledgements}, or a fake. */
@FunctionalInterface
public interface ReplicaWaits {
    /**
     * What one wait came to.
     *
     * @param confirmed   replicas that confirmed within the timeout
     * @param required    how many had to
     * @param asked       replicas that were up and asked
     * @param waitedNanos how long the committing thread waited, the primary's position included
     */
    record Outcome(int confirmed, int required, int asked, long waitedNanos) {
        public boolean met() {
            return confirmed >= required;
        }
    }

    /**
     * Waits until {@code requirement} is met for what {@code primary} has committed so far, or {@code timeout}.
     *
     * @throws InterruptedException the committing thread was interrupted
     */
    Outcome await(SyncRequirement requirement, SyncAck ack, Node primary, Duration timeout) throws InterruptedException;
}
