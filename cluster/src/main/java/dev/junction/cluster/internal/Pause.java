package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.time.Duration;

/** The short sleep between two polls of a server that is starting, replicating or stopping. */
public final class Pause {
    private Pause() {}

    /** Sleeps; an interrupt ends the wait with a {@link ClusterException}, keeping the interrupt flag. */
    public static void of(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while waiting for a server", e);
        }
    }
}
