package dev.junction.driver.internal.topology;

import dev.junction.driver.internal.backend.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Which tables table-aware freshness may track on their own: base tables that nothing ties to another table. A view
 * reads other tables; a trigger, a rule or a foreign key (PostgreSQL implements them with triggers; MySQL cascades)
 * makes a write to one table change another; a partition or inheritance child is read through its parent. For any
 * other name a commit counts against every table and a read waits for every commit, which is always safe.
 *
 * <p>Asked on the primary's catalog, by name in every schema when the name is unqualified (the session's search path
 * is not known here): a name is standalone only if every relation of that name is. Answers are dropped when DDL runs
 * through Junction and refreshed every {@link #TTL_NANOS} (for DDL made elsewhere). Routing never waits for the
 * catalog: an unknown name counts as not standalone now, and an answer past its time is still used while it is asked
 * again. The lookups run on one daemon thread per topology (cluster and credentials) that ends when idle, and every
 * name waiting at that moment is asked in one batch over the topology's {@link CatalogConnection}, which lives as long
 * as the topology: never a thread or a connection per name, nor a connection per batch. {@link #close} stops the
 * thread and forgets the answers when the topology is released.
 */
public final class TableCatalog {
    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String POSTGRES = "select count(*), coalesce(bool_and(c.relkind = 'r' and not c.relispartition"
            + " and not c.relhastriggers and not c.relhasrules and not exists (select 1 from pg_inherits i"
            + " where i.inhparent = c.oid or i.inhrelid = c.oid)), false)"
            + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = ? and (? is null or n.nspname = ?)";
    private static final String MYSQL = "select count(*), coalesce(min(t.TABLE_TYPE = 'BASE TABLE'"
            + " and not exists (select 1 from information_schema.TRIGGERS g where g.EVENT_OBJECT_SCHEMA = t.TABLE_SCHEMA"
            + " and g.EVENT_OBJECT_TABLE = t.TABLE_NAME)"
            + " and not exists (select 1 from information_schema.REFERENTIAL_CONSTRAINTS r where (r.CONSTRAINT_SCHEMA = t.TABLE_SCHEMA"
            + " and r.TABLE_NAME = t.TABLE_NAME) or (r.UNIQUE_CONSTRAINT_SCHEMA = t.TABLE_SCHEMA and r.REFERENCED_TABLE_NAME = t.TABLE_NAME))), 0)"
            + " from information_schema.TABLES t where t.TABLE_NAME = ? and (? is null or t.TABLE_SCHEMA = ?)"
            + " and t.TABLE_SCHEMA not in ('mysql', 'information_schema', 'performance_schema', 'sys')";

    private record Answer(boolean standalone, long atNanos) {}

    private final ClusterTopology topology;
    private final CatalogConnection catalog;
    private final Backend backend;
    private final ConcurrentMap<String, Answer> answers = new ConcurrentHashMap<>();
    /** Names waiting for a lookup, by key; the value is the name as written. */
    private final ConcurrentMap<String, String> pending = new ConcurrentHashMap<>();

    private final ThreadPoolExecutor lookups;
    /** Bumped whenever an answer changes or all are forgotten: a decision made on the old answers is not reused. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    TableCatalog(ClusterTopology topology, CatalogConnection catalog, Backend backend) {
        this.topology = topology;
        this.catalog = catalog;
        this.backend = backend;
        this.lookups = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            // Named by the nodes' addresses: the cluster's key is the URL, which may carry credentials.
            Thread thread = new Thread(
                    runnable,
                    "junction-catalog "
                            + topology.nodes().stream()
                                    .map(node -> node.address().toString())
                                    .collect(java.util.stream.Collectors.joining(",")));
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Whether commits to {@code table} may be tracked apart from other tables; never blocks. */
    public boolean isStandalone(String table) {
        String key = table.toLowerCase(Locale.ROOT);
        Answer answer = answers.get(key);
        if (answer == null || coarseNow() - answer.atNanos() >= TTL_NANOS) {
            askLater(key, table);
        }
        return answer != null && answer.standalone();
    }

    /**
     * Now for the answers' time to live, within one monitor interval: the instant of the monitor's last publication
     * (its ticker is {@link System#nanoTime()}), so that a write, which asks about every table it wrote, reads no
     * clock here. A stalled monitor makes answers live longer than {@link #TTL_NANOS}: DDL run outside Junction
     * (which this time to live exists for) is noticed that much later; DDL through Junction forgets all at once.
     */
    private long coarseNow() {
        dev.junction.driver.internal.topology.monitor.TopologyMonitor monitor = topology.monitor();
        return monitor == null ? System.nanoTime() : monitor.snapshot().takenAtNanos();
    }

    private void askLater(String key, String table) {
        if (pending.putIfAbsent(key, table) == null) {
            try {
                lookups.execute(this::lookUpPending);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pending.remove(key); // released: the name stays unknown, which is always safe
            }
        }
    }

    /** Asks the primary about every name waiting now, in one batch over the catalog connection. */
    private void lookUpPending() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            catalog.onPrimary(this::askPending);
        } catch (SQLException | RuntimeException e) {
            // Not known: the names count as not standalone, and are asked again in a few seconds.
            for (String key : pending.keySet()) {
                Answer previous = answers.put(key, new Answer(false, coarseNow() - TTL_NANOS + RETRY_NANOS));
                if (previous != null && previous.standalone()) {
                    generation.incrementAndGet();
                }
                pending.remove(key);
            }
        }
    }

    private Void askPending(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(backend == Backend.POSTGRESQL ? POSTGRES : MYSQL)) {
            for (Map.Entry<String, String> name : pending.entrySet()) {
                boolean standalone = ask(query, name.getValue());
                Answer previous = answers.put(name.getKey(), new Answer(standalone, coarseNow()));
                if (previous == null || previous.standalone() != standalone) {
                    generation.incrementAndGet();
                }
                pending.remove(name.getKey());
            }
        }
        return null;
    }

    private static boolean ask(PreparedStatement query, String table) throws SQLException {
        int dot = table.lastIndexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        query.setString(1, name);
        query.setString(2, schema);
        query.setString(3, schema);
        try (ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1) > 0 && row.getBoolean(2);
        }
    }

    /** Changes whenever an answer {@link #isStandalone} gives may have changed. */
    public long generation() {
        return generation.get();
    }

    /** DDL ran: any table may have gained a trigger, a foreign key or a view over it. */
    public void forgetAll() {
        answers.clear();
        generation.incrementAndGet();
    }

    /**
     * The topology is released: the lookup thread ends (waiting briefly, so that a caller that checks for leaked
     * threads right after finds none) and the answers go. The catalog connection is the topology's to close.
     */
    void close() {
        lookups.shutdownNow();
        pending.clear();
        forgetAll();
        try {
            lookups.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
