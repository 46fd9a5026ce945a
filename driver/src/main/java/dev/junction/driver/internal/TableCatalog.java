package dev.junction.driver.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Which tables table-aware freshness may track on their own: base tables that nothing ties to another table. A view
 * reads other tables; a trigger, a rule or a foreign key (PostgreSQL implements them with triggers; MySQL cascades)
 * makes a write to one table change another; a partition or inheritance child is read through its parent. For any
 * other name a commit counts against every table and a read waits for every commit, which is always safe.
 *
 * <p>Asked on the primary's catalog, by name in every schema when the name is unqualified (the session's search path
 * is not known here): a name is standalone only if every relation of that name is. Answers are kept for
 * {@link #TTL_NANOS} and dropped when DDL runs through Junction. Routing never waits for the catalog: an unknown name
 * counts as not standalone now, and a daemon thread looks it up for later reads.
 */
final class TableCatalog {
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

    private record Answer(boolean standalone, long atNanos) {
    }

    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final Backend backend;
    private final ConcurrentMap<String, Answer> answers = new ConcurrentHashMap<>();
    private final Set<String> asking = ConcurrentHashMap.newKeySet();

    TableCatalog(ClusterTopology topology, NodeConnector connector, Backend backend) {
        this.topology = topology;
        this.connector = connector;
        this.backend = backend;
    }

    /** Whether commits to {@code table} may be tracked apart from other tables; never blocks. */
    boolean isStandalone(String table) {
        String key = table.toLowerCase(Locale.ROOT);
        Answer answer = answers.get(key);
        if (answer != null && System.nanoTime() - answer.atNanos() < TTL_NANOS) {
            return answer.standalone();
        }
        if (asking.add(key)) {
            Thread lookup = new Thread(() -> lookUp(key, table), "junction-catalog " + table);
            lookup.setDaemon(true);
            lookup.start();
        }
        return false;
    }

    /** DDL ran: any table may have gained a trigger, a foreign key or a view over it. */
    void forgetAll() {
        answers.clear();
    }

    /** Looks {@code table} up now, for tests and for callers that may block. */
    void lookUp(String key, String table) {
        try {
            int dot = table.lastIndexOf('.');
            String schema = dot < 0 ? null : table.substring(0, dot);
            String name = dot < 0 ? table : table.substring(dot + 1);
            try (Connection connection = connector.open(topology.primary().address());
                 PreparedStatement query = connection.prepareStatement(backend == Backend.POSTGRESQL ? POSTGRES : MYSQL)) {
                query.setString(1, name);
                query.setString(2, schema);
                query.setString(3, schema);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    answers.put(key, new Answer(row.getLong(1) > 0 && row.getBoolean(2), System.nanoTime()));
                }
            }
        } catch (SQLException | RuntimeException e) {
            // Not known: the name counts as not standalone, and is asked again in a few seconds.
            answers.put(key, new Answer(false, System.nanoTime() - TTL_NANOS + RETRY_NANOS));
        } finally {
            asking.remove(key);
        }
    }
}
