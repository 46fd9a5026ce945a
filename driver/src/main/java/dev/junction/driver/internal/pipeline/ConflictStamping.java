package dev.junction.driver.internal.pipeline;

import dev.junction.conflict.HybridLogicalClock;
import dev.junction.conflict.Stamping;
import dev.junction.conflict.StatementStamper;
import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.Topology;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.Dialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The rewrite step's multi-master part (design §8): every INSERT and UPDATE of a {@code conflictTables} table carries
 * {@code _hlc}, a stamp of this JVM's hybrid logical clock, and {@code _origin}, the master it runs on, so that the
 * masters' guards ({@code PostgresGuardTriggers}, {@code MariaDbGuardTriggers}) and reconcile can tell the later write
 * of a row. A write of such a table that cannot be stamped is refused ({@link JunctionErrorCode#UNSTAMPABLE_WRITE})
 * before it runs. Plain statements get the stamp as literals; prepared statements as parameters, bound afresh at
 * every execution and every batch row.
 */
public final class ConflictStamping {
    /**
     * One clock for the JVM: each stamp is later than every stamp this JVM wrote before, whatever the connection or
     * data source, so that an application's causally later write of a row wins. The skew bound is for stamps
     * received from elsewhere (reconcile); stamping only reads the clock.
     */
    private static final HybridLogicalClock CLOCK = HybridLogicalClock.system(Duration.ofMinutes(1));

    private final StatementStamper stamper;

    private ConflictStamping(StatementStamper stamper) {
        this.stamper = stamper;
    }

    /**
     * The stamping of {@code settings}' connections; null when they stamp nothing (no multi-master conflict tables).
     *
     * @param shapes where an INSERT finds its table's key and columns (the cluster's catalog); asked only when needed
     */
    public static ConflictStamping of(ConnectionSettings settings, dev.junction.conflict.TableShapes shapes) {
        List<ConflictTable> tables = settings.properties().get(JunctionProperty.CONFLICT_TABLES);
        if (tables.isEmpty() || settings.properties().get(JunctionProperty.TOPOLOGY) != Topology.MULTI_MASTER) {
            return null;
        }
        Dialect dialect = settings.backend() == Backend.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
        java.util.Map<String, dev.junction.conflict.ConflictPolicy> policies = new java.util.LinkedHashMap<>();
        for (ConflictTable table : tables) {
            policies.put(
                    table.table(),
                    switch (table.policy()) {
                        case COUNTER -> dev.junction.conflict.ConflictPolicy.COUNTER;
                        case VERSION_VECTOR -> dev.junction.conflict.ConflictPolicy.VERSION_VECTOR;
                        default -> dev.junction.conflict.ConflictPolicy.LWW;
                    });
        }
        return new ConflictStamping(new StatementStamper(dialect, policies, shapes));
    }

    /** {@code stamped}'s text with a fresh stamp and {@code node}'s name written in: what a plain statement runs. */
    static String inline(Stamping.Stamped stamped, Node node) {
        return stamped.inlineText(CLOCK.now(), origin(node));
    }

    /**
     * A statement's stamping, worked out once when a prepared statement is prepared: null when {@code sql} names no
     * conflict table (or only reads a counter table).
     *
     * @throws SQLException {@link JunctionErrorCode#UNSTAMPABLE_WRITE}, at prepare time, for a write that cannot be
     *     stamped
     */
    public Stamping.Stamped plan(String sql) throws SQLException {
        Stamping stamping = stamper.stamp(sql);
        if (stamping instanceof Stamping.Refused refused) {
            throw JunctionErrorCode.UNSTAMPABLE_WRITE.exception(refused.table(), refused.reason());
        }
        return stamping instanceof Stamping.Stamped stamped ? stamped : null;
    }

    /**
     * The row {@code sql} reads by its whole primary key from a {@code lww} conflict table (read repair), or null; null
     * too when the table's key cannot be read from the catalog (the read then runs unrepaired).
     */
    public dev.junction.conflict.KeyRead keyRead(String sql) {
        try {
            return stamper.keyRead(sql);
        } catch (dev.junction.conflict.TableShapes.ShapeUnavailableException e) {
            return null;
        }
    }

    /** Binds a fresh stamp and {@code node}'s name to the parameters {@code stamped} added to {@code physical}. */
    public static void bindStamp(Stamping.Stamped stamped, PreparedStatement physical, Node node) throws SQLException {
        long hlc = CLOCK.now();
        for (int index : stamped.hlcParameters()) {
            physical.setLong(index, hlc);
        }
        String origin = origin(node);
        for (int index : stamped.originParameters()) {
            physical.setString(index, origin);
        }
    }

    /**
     * The master a write ran on, as the URL names it ({@code host_port}): the tie-break between equal stamps. Any name
     * that is the same on every master for one write serves convergence; the address also tells a reader where a row
     * was written.
     */
    private static String origin(Node node) {
        return originOf(node.address());
    }

    static String originOf(dev.junction.driver.internal.backend.HostAndPort address) {
        // A version vector's text separates origins with ',' and ':': an origin may hold neither.
        return address.toString().replace(':', '_');
    }
}
