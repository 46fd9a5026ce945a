package dev.junction.driver.internal.topology;

import dev.junction.driver.NodeStatus;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one INFO line an application's log gets from Junction per cluster and set of credentials: when its first
 * connection is handed out, which nodes were found in which role, so that the log says that replicas were found and
 * used (or why not). Everything after that is a warning or below. No password: node addresses, roles and the
 * monitor's own measurements only.
 */
public final class ClusterAnnouncement {
    private static final System.Logger LOG = System.getLogger("dev.junction.topology");

    private final AtomicBoolean made = new AtomicBoolean();

    /** Logs {@code nodes} of {@code cluster} the first time it is called on this object; later calls do nothing. */
    public void once(String cluster, Supplier<List<NodeStatus>> nodes) {
        if (made.get() || !made.compareAndSet(false, true) || !LOG.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, text(cluster, nodes.get()));
    }

    /** {@code Junction cluster pg1:5432,pg2:5432/app: pg1:5432 primary; pg2:5432 replica, staleness ≤ 3 ms}. */
    static String text(String cluster, List<NodeStatus> nodes) {
        StringBuilder line =
                new StringBuilder("Junction cluster ").append(cluster).append(':');
        String separator = " ";
        for (NodeStatus node : nodes) {
            line.append(separator).append(node.address()).append(' ');
            separator = "; ";
            if (!node.up()) {
                line.append(node.lastError().map(e -> "down (" + e + ")").orElse("not answered yet"));
                continue;
            }
            line.append(node.role());
            if (node.role().equals("primary")) {
                continue; // a primary's staleness is zero by definition
            }
            node.stalenessBound()
                    .ifPresent(
                            bound -> line.append(String.format(Locale.ROOT, ", staleness ≤ %d ms", bound.toMillis())));
        }
        return line.toString();
    }
}
