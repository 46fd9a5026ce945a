package dev.junction.driver.internal.topology;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.router.BuiltinFunctions;
import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.StatementClassifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The views that must not be read on a replica: those that call, directly or through other views, a function that
 * may write ({@code nextval}, a volatile or unproven user function, an operator backed by one). A read of such a view
 * looks like a plain {@code SELECT} to the classifier; this catalog turns it into a primary read.
 *
 * <p>Read from the primary's catalog for the whole cluster at once, as the topology's own credentials see it (over
 * its {@link CatalogConnection}; another user's list is that user's): PostgreSQL from {@code pg_rewrite}/{@code pg_depend}
 * (a view's rule records every function, operator and relation it uses), MariaDB/MySQL by classifying each
 * {@code VIEW_DEFINITION} with the cluster's classifier, whose function catalog proves user functions read-only or
 * not. Names are matched without resolving the session's search path or database: a table name counts as an unsafe
 * view if a view of that name is unsafe in any schema, an upper bound of every resolution, so resolution can never
 * be wrong in the unsafe direction. A view whose definition cannot be read is unsafe.
 *
 * <p>Routing asks {@link #unsafe} for every read that a replica could take and that does not reuse the session's last
 * decision; with no unsafe view in the database (the usual case) that costs two volatile reads. The list is loaded on first use, refreshed every {@link #TTL_NANOS} by the
 * first read after that (views created elsewhere) and dropped when DDL runs through Junction. A failed load leaves the
 * previous list (empty at first) and is retried after {@link #RETRY_NANOS}: the read-only guard of replica
 * connections still stops a write the list missed.
 */
public final class ViewCatalog {
    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final String POSTGRES_EDGES = "select v.oid::bigint, vn.nspname, v.relname,"
            + " case when d.refclassid = 'pg_class'::regclass then 'r' else 'f' end,"
            + " d.refobjid::bigint, pn.nspname, p.proname, p.provolatile"
            + " from pg_class v join pg_namespace vn on vn.oid = v.relnamespace"
            + " join pg_rewrite r on r.ev_class = v.oid"
            + " join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid"
            + " left join pg_operator o on d.refclassid = 'pg_operator'::regclass and o.oid = d.refobjid"
            + " left join pg_proc p on p.oid = case when d.refclassid = 'pg_proc'::regclass then d.refobjid"
            + "   when d.refclassid = 'pg_operator'::regclass then o.oprcode::oid end"
            + " left join pg_namespace pn on pn.oid = p.pronamespace"
            + " where v.relkind = 'v' and vn.nspname not in ('pg_catalog', 'information_schema')"
            + " and (d.refclassid = 'pg_class'::regclass and d.refobjid <> v.oid or p.oid is not null)";
    private static final String MYSQL_VIEWS =
            "select TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION from information_schema.VIEWS"
                    + " where TABLE_SCHEMA not in ('mysql', 'information_schema', 'performance_schema', 'sys')";

    private final ClusterTopology topology;
    private final CatalogConnection catalog;
    private final Backend backend;
    private final ReentrantLock loading = new ReentrantLock();
    /** Unsafe views by lower-case name and by lower-case {@code schema.name}; replaced whole, never changed. */
    private volatile Set<String> unsafe = Set.of();
    /** When to load again, {@link System#nanoTime()}; 0 forces a load at the next use. */
    private volatile long refreshAt;

    private volatile StatementClassifier classifier;

    /** @param catalog the topology's connection to the primary, with the credentials the topology is keyed by */
    ViewCatalog(ClusterTopology topology, CatalogConnection catalog, Backend backend) {
        this.topology = topology;
        this.catalog = catalog;
        this.backend = backend;
    }

    /** A catalog that knows no view, for routing without a cluster behind it (tests, benchmarks). */
    public static ViewCatalog none() {
        ViewCatalog none = new ViewCatalog(null, null, null);
        none.refreshAt = Long.MAX_VALUE;
        return none;
    }

    /** The classifier MySQL view definitions are classified with: the cluster's, set once it exists. */
    public void classifier(StatementClassifier classifier) {
        this.classifier = classifier;
    }

    /**
     * Whether {@code read}, a replica-eligible read, reads a view that must run on the primary.
     *
     * @param nowNanos a recent {@link System#nanoTime()}, such as the monitor's last snapshot's: a read that reuses
     *                 its last decision does not come here, one that decides again has it at hand
     */
    public boolean unsafe(Classification read, long nowNanos) {
        if (nowNanos - refreshAt >= 0 && topology != null) {
            refresh();
        }
        Set<String> views = unsafe;
        if (views.isEmpty()) {
            return false;
        }
        for (String table : read.tablesRead()) {
            if (views.contains(table.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the list, e.g. after DDL through Junction: the next read loads it again. */
    public void forgetAll() {
        refreshAt = System.nanoTime();
    }

    /** The topology is released: the list goes, and no read loads it again (the catalog connection is closed). */
    void close() {
        unsafe = Set.of();
        refreshAt = Long.MAX_VALUE;
    }

    private void refresh() {
        if (!loading.tryLock()) {
            return; // another thread is loading: use the current list meanwhile
        }
        try {
            if (System.nanoTime() - refreshAt < 0) {
                return;
            }
            try {
                unsafe = load();
                refreshAt = System.nanoTime() + TTL_NANOS;
            } catch (SQLException | RuntimeException e) {
                refreshAt = System.nanoTime() + RETRY_NANOS;
            }
        } finally {
            loading.unlock();
        }
    }

    private Set<String> load() throws SQLException {
        if (backend == Backend.POSTGRESQL) {
            return catalog.onPrimary(ViewCatalog::loadPostgres);
        }
        // Read the definitions, then classify them with the connection free: classifying looks functions up over it.
        return classifyMySql(catalog.onPrimary(ViewCatalog::readMySql));
    }

    /** One row per edge of a view's rule: to a relation (another view perhaps) or to a function (or an operator's). */
    private static Set<String> loadPostgres(Connection connection) throws SQLException {
        Map<Long, String[]> names = new HashMap<>();
        Map<Long, List<Long>> reads = new HashMap<>();
        Set<Long> unsafeViews = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(POSTGRES_EDGES)) {
            while (rows.next()) {
                long view = rows.getLong(1);
                names.putIfAbsent(view, new String[] {rows.getString(2), rows.getString(3)});
                if ("r".equals(rows.getString(4))) {
                    reads.computeIfAbsent(view, v -> new java.util.ArrayList<>())
                            .add(rows.getLong(5));
                } else if (writes(rows.getString(6), rows.getString(7), rows.getString(8))) {
                    unsafeViews.add(view);
                }
            }
        }
        closeOverReads(unsafeViews, reads);
        Set<String> result = new HashSet<>();
        for (long view : unsafeViews) {
            String[] name = names.get(view);
            add(result, name[0], name[1]);
        }
        return Set.copyOf(result);
    }

    /** A volatile function may write, unless it is a built-in known to only read ({@code random()}, {@code clock_timestamp()}). */
    private static boolean writes(String schema, String function, String volatility) {
        if (!"v".equals(volatility)) {
            return false;
        }
        return !("pg_catalog".equals(schema) && BuiltinFunctions.isReadOnly(Dialect.POSTGRESQL, function));
    }

    /** A view that reads an unsafe view is unsafe: repeats until nothing changes (views form no cycles, but be sure). */
    private static <K> void closeOverReads(Set<K> unsafeViews, Map<K, List<K>> reads) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<K, List<K>> view : reads.entrySet()) {
                if (!unsafeViews.contains(view.getKey())
                        && view.getValue().stream().anyMatch(unsafeViews::contains)) {
                    unsafeViews.add(view.getKey());
                    changed = true;
                }
            }
        }
    }

    /**
     * Each definition classified as a query: unsafe unless it is a plain read calling nothing that may write. The
     * tables it reads are matched by name to other views (MySQL stores definitions with qualified names).
     */
    private record ViewDefinition(String schema, String name, String definition) {}

    private static List<ViewDefinition> readMySql(Connection connection) throws SQLException {
        List<ViewDefinition> definitions = new java.util.ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(MYSQL_VIEWS)) {
            while (rows.next()) {
                definitions.add(new ViewDefinition(rows.getString(1), rows.getString(2), rows.getString(3)));
            }
        }
        return definitions;
    }

    private Set<String> classifyMySql(List<ViewDefinition> definitions) {
        StatementClassifier views = classifier;
        Set<String> unsafeViews = new HashSet<>();
        Map<String, List<String>> reads = new HashMap<>();
        for (ViewDefinition view : definitions) {
            String schema = view.schema();
            String key = (schema + "." + view.name()).toLowerCase(Locale.ROOT);
            String definition = view.definition();
            Classification c =
                    definition == null || definition.isBlank() || views == null ? null : views.classify(definition);
            if (c == null || !c.replicaEligible()) {
                unsafeViews.add(key);
                continue;
            }
            List<String> tables = new java.util.ArrayList<>();
            for (String table : c.tablesRead()) {
                String t = table.toLowerCase(Locale.ROOT);
                tables.add(t.indexOf('.') < 0 ? (schema + "." + t).toLowerCase(Locale.ROOT) : t);
            }
            reads.put(key, tables);
        }
        closeOverReads(unsafeViews, reads);
        Set<String> result = new HashSet<>();
        for (String key : unsafeViews) {
            int dot = key.indexOf('.');
            add(result, key.substring(0, dot), key.substring(dot + 1));
        }
        return Set.copyOf(result);
    }

    private static void add(Set<String> names, String schema, String view) {
        names.add(view.toLowerCase(Locale.ROOT));
        names.add((schema + "." + view).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "ViewCatalog[" + (topology == null ? "none" : topology.describe()) + ", " + unsafe.size() / 2
                + " unsafe views]";
    }
}
