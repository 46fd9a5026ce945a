package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.Classification;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What holds a logical connection on one node (design §2 rule 1) and when it lets go. Some session state lives only
 * in the physical connection that created it and cannot be replayed elsewhere; while any exists, every statement runs
 * on that node. Each pin ends when its cause ends, so that a connection that once created a temporary table,
 * listened, prepared or locked — a pooled one above all — does not stay on the primary for the rest of its life.
 *
 * <table>
 *   <caption>Reasons ({@code JunctionConnection.pins()}), what holds each, what releases it</caption>
 *   <tr><th>reason</th><th>held by</th><th>released by</th></tr>
 *   <tr><td>temporary table</td><td>each table created temporary ({@code CREATE TEMP TABLE}, {@code SELECT ... INTO
 *       TEMP}, MySQL {@code CREATE TEMPORARY TABLE}), by name</td><td>a {@code DROP TABLE} (MySQL {@code DROP
 *       TEMPORARY TABLE}) naming it, {@code DISCARD TEMP}, {@code DISCARD ALL}</td></tr>
 *   <tr><td>listen</td><td>each channel</td><td>{@code UNLISTEN} it, {@code UNLISTEN *}, {@code DISCARD ALL}</td></tr>
 *   <tr><td>named prepare</td><td>each statement prepared in SQL</td><td>{@code DEALLOCATE} it, {@code DEALLOCATE
 *       ALL}, {@code DISCARD ALL}</td></tr>
 *   <tr><td>holdable cursor</td><td>each cursor declared {@code WITH HOLD}</td><td>{@code CLOSE} it, {@code CLOSE
 *       ALL}, {@code DISCARD ALL}</td></tr>
 *   <tr><td>advisory lock</td><td>a count of statements that lock</td><td>one per statement that unlocks;
 *       {@code pg_advisory_unlock_all}, {@code RELEASE_ALL_LOCKS}, {@code DISCARD ALL}</td></tr>
 *   <tr><td>table lock</td><td>MySQL {@code LOCK TABLES}</td><td>{@code UNLOCK TABLES}</td></tr>
 *   <tr><td>SERIALIZABLE isolation</td><td>the session's default isolation set to SERIALIZABLE in SQL on
 *       PostgreSQL</td><td>a {@code SET} of it to another level, {@code RESET} of it, {@code RESET ALL},
 *       {@code DISCARD ALL}</td></tr>
 *   <tr><td>unreplayable session state, session or transaction statement in a batch</td><td>a count</td>
 *       <td>{@code DISCARD ALL}</td></tr>
 *   <tr><td>unwrapped ...</td><td>the backend connection handed to the application</td><td>never: what the
 *       application does on it is out of Junction's sight, so nothing Junction sees can show it is over</td></tr>
 * </table>
 *
 * <p>SERIALIZABLE set through {@code setTransactionIsolation} is not held here: the session state has it, and it
 * ends when the isolation changes ({@link #reasons} reports it when the caller says so).
 *
 * <p>A dropped name releases the temporary table of that name: PostgreSQL's default {@code search_path} looks in
 * {@code pg_temp} first and MySQL looks temporary tables up first, so a {@code DROP TABLE t} drops the temporary
 * {@code t} even where a permanent {@code t} exists; a second one drops the permanent table and releases nothing.
 * Names are compared as the server resolves them ({@code pg_temp.t} is {@code t}); one spelt differently
 * ({@code db.t} against {@code t} on MySQL) keeps the pin.
 *
 * <p>What is created without a name Junction can read — a temporary view or sequence, a temporary table or a
 * {@code LISTEN} in a multi-statement string or a batch — is held without a name: only the statements that undo
 * every one of its kind release it. Releases in multi-statement strings and batches are not counted. Wherever it is
 * unsure, it keeps the pin: a pin that outlasts its cause costs replica reads, while one released early would send
 * statements to a node that lacks the state.
 *
 * <p>Transactions. On PostgreSQL temporary tables, {@code LISTEN}/{@code UNLISTEN} and {@code SET} are
 * transactional: a rollback puts them back as they were when the transaction began. The state at the first such
 * change in a transaction is kept; a rollback restores it for those reasons, and for named statements and cursors,
 * whose releases might be undone too, keeps everything held then or now. A rollback to a savepoint, or a failure
 * (an aborted transaction, which a COMMIT then silently rolls back), keeps everything held at either point: which
 * changes came after the savepoint is not tracked. A commit keeps the state as it is. Nothing is transactional on
 * MySQL/MariaDB, where temporary tables, named statements and locks outlive a rollback. Mid-transaction the state
 * may show a pin released that a rollback would restore; routing does not read it then, since a transaction keeps
 * its node.
 *
 * <p>A lost connection to the pinned node clears everything: the state died with it. Not thread-safe: a logical
 * connection is used by one thread at a time.
 */
public final class SessionPins {
    static final String TEMPORARY_TABLE = RouterStatementRouting.describe(PinReason.TEMPORARY_TABLE);
    static final String ADVISORY_LOCK = RouterStatementRouting.describe(PinReason.ADVISORY_LOCK);
    static final String LISTEN = RouterStatementRouting.describe(PinReason.LISTEN);
    static final String NAMED_PREPARE = RouterStatementRouting.describe(PinReason.NAMED_PREPARE);
    static final String HOLDABLE_CURSOR = RouterStatementRouting.describe(PinReason.HOLDABLE_CURSOR);
    static final String TABLE_LOCK = RouterStatementRouting.describe(PinReason.TABLE_LOCK);
    static final String SERIALIZABLE = RouterStatementRouting.SERIALIZABLE_PIN;

    /**
     * The PostgreSQL reasons whose changes in a transaction a rollback may undo. Named statements and cursors are
     * among them because whether the server undoes their release is not relied on: a rollback keeps what was held
     * before or since.
     */
    private static final List<String> TRANSACTIONAL =
            List.of(TEMPORARY_TABLE, LISTEN, SERIALIZABLE, NAMED_PREPARE, HOLDABLE_CURSOR);
    /** The transactional reasons a rollback puts back exactly as they were when the transaction began. */
    private static final Set<String> RESTORED_BY_ROLLBACK = Set.of(TEMPORARY_TABLE, LISTEN, SERIALIZABLE);

    private final boolean postgres;
    /** The node that holds the session, null when nothing does: every statement reads it. */
    private Node node;
    /** Reason → what holds the session for it, in the order reasons first held it; no empty holds. */
    private final Map<String, Hold> holds = new LinkedHashMap<>();

    private final Set<String> unwrapped = new LinkedHashSet<>();
    /** The holds when the open transaction first changed a transactional one, else null. */
    private Map<String, Hold> beforeTransaction;

    private Node nodeBeforeTransaction;

    private final ClusterMetrics metrics;

    /** @param postgres the session is on PostgreSQL, whose temporary tables, LISTEN and SET are transactional */
    SessionPins(boolean postgres) {
        this(postgres, ClusterMetrics.OFF);
    }

    /** @param metrics where each statement that pins the session is counted, by cause */
    SessionPins(boolean postgres, ClusterMetrics metrics) {
        this.postgres = postgres;
        this.metrics = metrics;
    }

    /**
     * The router's name for what holds the session, for the routing policy, which only needs to know that something
     * does: the first held reason the router names, else unreplayable state (an unwrapped connection, a session
     * statement in a batch, SERIALIZABLE set in SQL).
     */
    PinReason policyReason() {
        for (String reason : holds.keySet()) {
            for (PinReason known : PinReason.values()) {
                if (RouterStatementRouting.describe(known).equals(reason)) {
                    return known;
                }
            }
        }
        return PinReason.UNREPLAYABLE_SESSION_STATE;
    }

    /** The node every statement must run on, or null. One field read: every statement asks. */
    Node pinnedNode() {
        return node;
    }

    /**
     * Bookkeeping after {@code info} ran successfully on {@code where}: what it releases, then what it holds.
     *
     * @param inTransaction it ran inside a transaction (auto-commit off, or one opened in SQL)
     */
    void executed(StatementInfo info, Node where, boolean inTransaction) {
        if (node == null && info.pinReason() == null && beforeTransaction == null) {
            return; // the common case: nothing held, nothing to hold
        }
        if (!inTransaction) {
            beforeTransaction = null; // the transaction is over, whichever way: what it left is kept
        }
        Classification c = info.classification();
        if (!c.multiStatement()) {
            released(info, c, inTransaction);
        }
        if (info.pinReason() != null) {
            held(info, c, where, inTransaction);
        }
        settle();
    }

    /** Holds the session on {@code where} for {@code reason}, without a name: a statement run in a batch. */
    void hold(Node where, String reason) {
        metrics.pinned(reason);
        holds.computeIfAbsent(reason, r -> new Hold()).unnamed++;
        node = where;
    }

    /** The application holds {@code where}'s backend connection, unwrapped as {@code what}: pinned for good. */
    void unwrapped(Node where, String what) {
        String reason = "unwrapped " + what;
        if (unwrapped.add(reason)) {
            metrics.pinned(reason);
        }
        node = where;
    }

    /**
     * The open transaction ended: committed, or rolled back. A COMMIT or ROLLBACK that failed is not reported here
     * (whether the transaction is still open is not known then): {@link #failed} has kept everything, and the state
     * kept for the transaction is dropped by the next end or the next statement run outside a transaction.
     */
    void transactionEnded(boolean committed) {
        if (beforeTransaction == null) {
            return;
        }
        if (!committed) {
            restore(true);
        }
        beforeTransaction = null;
        nodeBeforeTransaction = null;
        settle();
    }

    /** The open transaction was rolled back to a savepoint. */
    public void rolledBackToSavepoint() {
        if (beforeTransaction != null) {
            restore(false);
        }
    }

    /**
     * An operation on the session's connections failed. Inside a PostgreSQL transaction the server has aborted it
     * (a COMMIT will roll it back) unless a savepoint recovers it, so what it released must not stay released.
     */
    void failed() {
        if (beforeTransaction != null) {
            restore(false);
        }
    }

    /** The connection to {@code lost} is gone, and with it any state that held the session there. */
    void lost(Node lost) {
        if (lost == node || lost == nodeBeforeTransaction) {
            holds.clear();
            unwrapped.clear();
            beforeTransaction = null;
            nodeBeforeTransaction = null;
            node = null;
        }
    }

    /**
     * Why the session is pinned: the reasons in the order they first held it, then an unwrapped connection, then
     * {@link #SERIALIZABLE} if {@code serializableIsolation} (set through JDBC, which the session state tracks).
     */
    public Set<String> reasons(boolean serializableIsolation) {
        if (holds.isEmpty() && unwrapped.isEmpty() && !serializableIsolation) {
            return Set.of();
        }
        Set<String> reasons = new LinkedHashSet<>(holds.keySet());
        reasons.addAll(unwrapped);
        if (serializableIsolation) {
            reasons.add(SERIALIZABLE);
        }
        return Collections.unmodifiableSet(reasons);
    }

    @Override
    public String toString() {
        return node == null
                ? "SessionPins[none]"
                : "SessionPins[" + node.address() + " " + holds + " " + unwrapped + "]";
    }

    // ---- what a statement releases and holds ----

    private void released(StatementInfo info, Classification c, boolean inTransaction) {
        SessionEffect effect = c.sessionEffect();
        if (effect != null) {
            switch (effect.kind()) {
                case DISCARD:
                    if ("all".equals(effect.target())) {
                        holds.clear(); // cannot run inside a transaction: nothing to restore
                    } else if ("temp".equals(effect.target())) {
                        release(TEMPORARY_TABLE, null, inTransaction);
                    }
                    break;
                case UNLISTEN:
                    release(LISTEN, effect.target(), inTransaction);
                    break;
                case DEALLOCATE:
                    release(NAMED_PREPARE, effect.target(), inTransaction);
                    break;
                case CLOSE:
                    release(HOLDABLE_CURSOR, effect.target(), inTransaction);
                    break;
                case UNLOCK_TABLES:
                    release(TABLE_LOCK, null, inTransaction);
                    break;
                case ROLLBACK_TO_SAVEPOINT:
                    rolledBackToSavepoint();
                    break;
                case SET_VARIABLE:
                case SET_SESSION_CHARACTERISTICS:
                case RESET:
                    if (info.pinReason() == null && setsIsolation(effect)) {
                        release(SERIALIZABLE, null, inTransaction); // to another level: it would pin otherwise
                    }
                    break;
                default:
                    break;
            }
        }
        for (String table : c.tablesDropped()) {
            release(TEMPORARY_TABLE, temporaryName(table), inTransaction);
        }
        if (c.pinReason() != PinReason.ADVISORY_LOCK) {
            // A statement that both locks and unlocks counts as a lock: the pin then outlasts the locks, which is safe.
            for (String function : c.sideEffectFunctions()) {
                unlocked(function.substring(function.lastIndexOf('.') + 1), inTransaction);
            }
        }
    }

    /**
     * A session advisory lock pins until it is released: {@code pg_advisory_unlock}/{@code RELEASE_LOCK} release one,
     * {@code pg_advisory_unlock_all}/{@code RELEASE_ALL_LOCKS} all. Migration tools (Flyway, Liquibase) lock and
     * unlock on pooled connections. Locks are counted by statement, not by key: a failed {@code pg_try_advisory_lock}
     * still counts (the pin outlasts the lock, which is safe), and so does the unlock of a key not held.
     */
    private void unlocked(String function, boolean inTransaction) {
        if (function.equals("pg_advisory_unlock_all") || function.equals("release_all_locks")) {
            release(ADVISORY_LOCK, null, inTransaction);
        } else if (function.startsWith("pg_advisory_unlock") || function.equals("release_lock")) {
            Hold hold = holds.get(ADVISORY_LOCK);
            if (hold != null && --hold.unnamed <= 0) {
                holds.remove(ADVISORY_LOCK);
            }
        }
    }

    /** Releases {@code name} held for {@code reason}, or everything held for it when {@code name} is null. */
    private void release(String reason, String name, boolean inTransaction) {
        Hold hold = holds.get(reason);
        if (hold == null || name != null && !hold.names.contains(name)) {
            return;
        }
        changing(reason, inTransaction);
        if (name == null) {
            holds.remove(reason);
        } else {
            hold.names.remove(name);
            if (hold.isEmpty()) {
                holds.remove(reason);
            }
        }
    }

    private void held(StatementInfo info, Classification c, Node where, boolean inTransaction) {
        String reason = info.pinReason();
        metrics.pinned(reason);
        changing(reason, inTransaction);
        Hold hold = holds.computeIfAbsent(reason, r -> new Hold());
        Collection<String> names = namesCreated(c);
        if (!names.isEmpty()) {
            hold.names.addAll(names);
        } else if (reason.equals(TABLE_LOCK) || reason.equals(SERIALIZABLE)) {
            hold.unnamed = 1; // a state, not a count: LOCK TABLES releases the locks it held before
        } else {
            hold.unnamed++;
        }
        node = where;
    }

    /** The names of what {@code c} creates that pins, or none when it creates something Junction cannot name. */
    private Collection<String> namesCreated(Classification c) {
        if (c.multiStatement() || c.pinReason() == null) {
            return List.of();
        }
        SessionEffect effect = c.sessionEffect();
        switch (c.pinReason()) {
            case TEMPORARY_TABLE:
                // the table created (a CTE of SELECT ... INTO may add tables it writes: held until dropped too)
                List<String> tables = new ArrayList<>(c.tablesWritten().size());
                for (String table : c.tablesWritten()) {
                    tables.add(temporaryName(table));
                }
                return tables;
            case LISTEN:
                return named(effect, SessionEffect.Kind.LISTEN);
            case NAMED_PREPARE:
                return named(effect, SessionEffect.Kind.PREPARE);
            case HOLDABLE_CURSOR:
                return named(effect, SessionEffect.Kind.CURSOR);
            default:
                return List.of();
        }
    }

    private static Collection<String> named(SessionEffect effect, SessionEffect.Kind kind) {
        return effect != null && effect.kind() == kind && effect.target() != null
                ? List.of(effect.target())
                : List.of();
    }

    /** {@code pg_temp.t} is the session's temporary {@code t}. */
    private String temporaryName(String table) {
        return postgres && table.startsWith("pg_temp.") ? table.substring("pg_temp.".length()) : table;
    }

    /** A SET or RESET of the session's default isolation (whatever the level: the caller knows it is not SERIALIZABLE). */
    private static boolean setsIsolation(SessionEffect effect) {
        String target = effect.target() == null ? "" : effect.target().toLowerCase(Locale.ROOT);
        switch (effect.kind()) {
            case SET_VARIABLE:
                return target.equals("default_transaction_isolation");
            case SET_SESSION_CHARACTERISTICS:
                return effect.value() != null
                        && effect.value().toLowerCase(Locale.ROOT).contains("isolation");
            case RESET:
                return target.equals("all") || target.equals("default_transaction_isolation");
            default:
                return false;
        }
    }

    // ---- transactions ----

    /** Keeps the holds as they were before the first change of a transactional one in the open transaction. */
    private void changing(String reason, boolean inTransaction) {
        if (!inTransaction || !postgres || beforeTransaction != null || !TRANSACTIONAL.contains(reason)) {
            return;
        }
        beforeTransaction = new LinkedHashMap<>();
        for (Map.Entry<String, Hold> entry : holds.entrySet()) {
            beforeTransaction.put(entry.getKey(), entry.getValue().copy());
        }
        nodeBeforeTransaction = node;
    }

    /**
     * Puts back what the transaction changed: exactly for {@link #RESTORED_BY_ROLLBACK} when {@code exact}, else
     * everything held before it or now.
     */
    private void restore(boolean exact) {
        for (String reason : TRANSACTIONAL) {
            Hold before = beforeTransaction.get(reason);
            Hold now = holds.get(reason);
            if (exact && RESTORED_BY_ROLLBACK.contains(reason)) {
                if (before == null) {
                    holds.remove(reason);
                } else {
                    holds.put(reason, before.copy());
                }
            } else if (before != null && now == null) {
                holds.put(reason, before.copy());
            } else if (before != null) {
                now.names.addAll(before.names);
                now.unnamed = Math.max(now.unnamed, before.unnamed);
            }
        }
        if (node == null && !holds.isEmpty()) {
            node = nodeBeforeTransaction;
        }
        settle();
    }

    private void settle() {
        if (holds.isEmpty() && unwrapped.isEmpty()) {
            node = null;
        }
    }

    /** What holds the session for one reason: named things, and things held without a name Junction could read. */
    private static final class Hold {
        final Set<String> names = new LinkedHashSet<>();
        int unnamed;

        Hold copy() {
            Hold copy = new Hold();
            copy.names.addAll(names);
            copy.unnamed = unnamed;
            return copy;
        }

        boolean isEmpty() {
            return names.isEmpty() && unnamed <= 0;
        }

        @Override
        public String toString() {
            return unnamed == 0 ? names.toString() : names + "+" + unnamed;
        }
    }
}
