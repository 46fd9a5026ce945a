package dev.junction.router.replication;

/**
 * How far a node has come in the primary's stream of commits: a PostgreSQL LSN, a MariaDB GTID position
 * (one sequence number per replication domain) or a MySQL executed GTID set. Positions of one cluster are
 * partially ordered by {@link #covers}: a replica can serve a read that must see a commit only if its
 * replayed position covers that commit's position.
 */
public interface ReplicationPosition {
    /** True when every commit included in {@code other} is included in this position. */
    boolean covers(ReplicationPosition other);

    /**
     * The least position that covers both this one and {@code other}: the later LSN, the higher sequence per
     * MariaDB domain, the union of MySQL GTID sets. What a read must wait for when it must see two commits.
     */
    ReplicationPosition mergedWith(ReplicationPosition other);

    /**
     * The position in the server's own text form ({@code 0/16B3748}, {@code 0-1-42,1-2-7},
     * {@code 3E11FA47-…:1-5}), which also serves as the compact causal token carried across services.
     */
    String text();
}
