package dev.junction.router;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the classifier found out about one SQL string. Immutable and shared: the classifier caches
 * one instance per distinct SQL text.
 *
 * <p>Table names are as the server resolves them: unquoted PostgreSQL names folded to lower case,
 * quoted names verbatim, MySQL names as written; a schema-qualified name is {@code schema.table}.
 * {@link #tablesWritten()} may over-approximate (every table a statement might modify) but never
 * leaves one out when {@link #parsedByCalcite()} is true. When the statement was classified from
 * tokens alone, both sets are a best effort and callers that depend on them for freshness should
 * treat them as incomplete.
 */
public final class Classification {

    private final StatementKind kind;
    private final Set<String> tablesRead;
    private final Set<String> tablesWritten;
    private final Set<String> tablesDropped;
    private final boolean lockingRead;
    private final Set<String> sideEffectFunctions;
    private final Set<String> unverifiedFunctions;
    private final Set<String> userFunctions;
    private final boolean nodeSpecific;
    private final boolean multiStatement;
    private final Hints hints;
    private final boolean parsedByCalcite;
    private final PinReason pinReason;
    private final SessionEffect sessionEffect;
    private final boolean implicitCommit;
    private final boolean primaryOnly;
    private final boolean replicaEligible;

    private Classification(Builder b) {
        this.kind = b.kind;
        this.tablesRead = freeze(b.tablesRead);
        this.tablesWritten = freeze(b.tablesWritten);
        this.tablesDropped = freeze(b.tablesDropped);
        this.lockingRead = b.lockingRead;
        this.sideEffectFunctions = freeze(b.sideEffectFunctions);
        this.unverifiedFunctions = freeze(b.unverifiedFunctions);
        this.userFunctions = freeze(b.userFunctions);
        this.nodeSpecific = b.nodeSpecific;
        this.multiStatement = b.multiStatement;
        this.hints = b.hints;
        this.parsedByCalcite = b.parsedByCalcite;
        this.pinReason = b.pinReason;
        this.sessionEffect = b.sessionEffect;
        this.implicitCommit = b.implicitCommit;
        this.primaryOnly = b.primaryOnly;
        this.replicaEligible = (kind == StatementKind.READ || kind == StatementKind.UTILITY_READ)
                && !lockingRead
                && sideEffectFunctions.isEmpty()
                && unverifiedFunctions.isEmpty()
                && tablesWritten.isEmpty()
                && !nodeSpecific
                && !multiStatement
                && !primaryOnly
                && pinReason == null;
    }

    private static Set<String> freeze(Set<String> s) {
        // Copied so that a builder used after build() cannot change a shared, cached instance.
        return s == null || s.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }

    /** Starts a classification of the given kind; used by the classifier and by tests. */
    public static Builder builder(StatementKind kind) {
        return new Builder(kind);
    }

    /** A builder initialised with this classification's values. */
    public Builder toBuilder() {
        Builder b = new Builder(kind)
                .tablesRead(tablesRead)
                .tablesWritten(tablesWritten)
                .tablesDropped(tablesDropped)
                .lockingRead(lockingRead)
                .sideEffectFunctions(sideEffectFunctions)
                .unverifiedFunctions(unverifiedFunctions)
                .userFunctions(userFunctions)
                .nodeSpecific(nodeSpecific)
                .multiStatement(multiStatement)
                .hints(hints)
                .parsedByCalcite(parsedByCalcite)
                .pinReason(pinReason)
                .sessionEffect(sessionEffect)
                .implicitCommit(implicitCommit)
                .primaryOnly(primaryOnly);
        return b;
    }

    /**
     * True only for a single plain read ({@link StatementKind#READ} or {@link
     * StatementKind#UTILITY_READ}) that takes no lock, writes no table, calls no side-effect or
     * unverified function, does not depend on which node answers, creates no pinned state and is not
     * {@link #primaryOnly()}. Only such statements may ever run on a replica.
     */
    public boolean replicaEligible() {
        return replicaEligible;
    }

    public StatementKind kind() {
        return kind;
    }

    /** Tables the statement reads (FROM, JOIN, subqueries), CTE names excluded. */
    public Set<String> tablesRead() {
        return tablesRead;
    }

    /** Tables the statement may modify (INSERT/UPDATE/DELETE/MERGE targets, SELECT INTO, COPY FROM, DDL targets). */
    public Set<String> tablesWritten() {
        return tablesWritten;
    }

    /**
     * Tables a {@code DROP TABLE} (MySQL {@code DROP TEMPORARY TABLE} too) drops when it succeeds, as
     * written in it; also in {@link #tablesWritten()}. Unlike the other table sets this one never
     * over-approximates: a driver releases what it tracked for a table (a temporary table's pin) by
     * it, so a text whose readings differ (executable comments) reports only what every reading
     * drops. Empty for every other statement.
     */
    public Set<String> tablesDropped() {
        return tablesDropped;
    }

    /** A row- or table-locking read: {@code FOR UPDATE/SHARE/...}, {@code LOCK IN SHARE MODE}, {@code LOCK TABLE}. */
    public boolean lockingRead() {
        return lockingRead;
    }

    /**
     * Functions (and function-like constructs such as {@code NEXT VALUE FOR}, {@code
     * SQL_CALC_FOUND_ROWS}) that write, lock, consume sequence values or read per-connection state,
     * plus user functions the {@link FunctionCatalog} declared as possibly writing. Lower case.
     */
    public Set<String> sideEffectFunctions() {
        return sideEffectFunctions;
    }

    /** User-defined functions whose volatility is unknown (no catalog, or it could not tell). */
    public Set<String> unverifiedFunctions() {
        return unverifiedFunctions;
    }

    /** Every non-built-in function the statement calls, whatever its volatility. */
    public Set<String> userFunctions() {
        return userFunctions;
    }

    /**
     * The answer depends on which server runs the statement: replication status ({@code SHOW
     * REPLICA STATUS}, {@code pg_is_in_recovery()}, WAL positions, {@code @@read_only}), server
     * statistics views, {@code SHOW WARNINGS}. Such statements go to the primary so that the
     * cluster keeps looking like one database.
     */
    public boolean nodeSpecific() {
        return nodeSpecific;
    }

    /** The text holds more than one statement separated by semicolons. */
    public boolean multiStatement() {
        return multiStatement;
    }

    /** Routing hints from the leading comments; {@link Hints#NONE} when there were none. */
    public Hints hints() {
        return hints;
    }

    /** Calcite parsed the statement; when false, tables were extracted from tokens (best effort). */
    public boolean parsedByCalcite() {
        return parsedByCalcite;
    }

    /** Why running this statement pins the session to the primary, or {@code null}. */
    public PinReason pinReason() {
        return pinReason;
    }

    /** What a session or transaction statement does to the connection, or {@code null}. */
    public SessionEffect sessionEffect() {
        return sessionEffect;
    }

    /**
     * MySQL/MariaDB commit the transaction in progress before running this statement (and most such
     * statements commit again after it): DDL other than {@code CREATE/DROP TEMPORARY TABLE}, {@code
     * LOCK TABLES}, {@code UNLOCK TABLES}, {@code GRANT}, {@code REVOKE}, {@code SET PASSWORD},
     * {@code ANALYZE/OPTIMIZE/REPAIR/CHECK TABLE}, {@code CACHE INDEX}, {@code LOAD INDEX INTO
     * CACHE}, {@code FLUSH}, {@code RESET}, replication control, {@code BEGIN}/{@code START
     * TRANSACTION}, and {@code SET autocommit = 1} (which commits only when autocommit was 0). True
     * when any statement of a multi-statement string commits. Always false for PostgreSQL, whose DDL
     * is transactional.
     */
    public boolean implicitCommit() {
        return implicitCommit;
    }

    /**
     * The statement only reads, yet must run on the primary: a replica refuses it (PostgreSQL {@code
     * COPY ... TO STDOUT} through PgJDBC's copy API), or its text means different statements on
     * different servers (several MySQL version-gated {@code /*!NNNNN ... * /} or MariaDB-only {@code
     * /*M! ... * /} comments) so its safety cannot be established from the text.
     */
    public boolean primaryOnly() {
        return primaryOnly;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Classification c
                && kind == c.kind
                && lockingRead == c.lockingRead
                && nodeSpecific == c.nodeSpecific
                && multiStatement == c.multiStatement
                && parsedByCalcite == c.parsedByCalcite
                && tablesRead.equals(c.tablesRead)
                && tablesWritten.equals(c.tablesWritten)
                && tablesDropped.equals(c.tablesDropped)
                && sideEffectFunctions.equals(c.sideEffectFunctions)
                && unverifiedFunctions.equals(c.unverifiedFunctions)
                && userFunctions.equals(c.userFunctions)
                && hints.equals(c.hints)
                && pinReason == c.pinReason
                && implicitCommit == c.implicitCommit
                && primaryOnly == c.primaryOnly
                && Objects.equals(sessionEffect, c.sessionEffect);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, tablesRead, tablesWritten, lockingRead, sideEffectFunctions, hints);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Classification[").append(kind);
        s.append(replicaEligible ? " eligible" : " primary");
        if (!tablesRead.isEmpty()) {
            s.append(" read=").append(tablesRead);
        }
        if (!tablesWritten.isEmpty()) {
            s.append(" written=").append(tablesWritten);
        }
        if (!tablesDropped.isEmpty()) {
            s.append(" dropped=").append(tablesDropped);
        }
        if (lockingRead) {
            s.append(" locking");
        }
        if (!sideEffectFunctions.isEmpty()) {
            s.append(" sideEffects=").append(sideEffectFunctions);
        }
        if (!unverifiedFunctions.isEmpty()) {
            s.append(" unverified=").append(unverifiedFunctions);
        }
        if (nodeSpecific) {
            s.append(" nodeSpecific");
        }
        if (multiStatement) {
            s.append(" multiStatement");
        }
        if (pinReason != null) {
            s.append(" pin=").append(pinReason);
        }
        if (sessionEffect != null) {
            s.append(" effect=").append(sessionEffect);
        }
        if (implicitCommit) {
            s.append(" implicitCommit");
        }
        if (primaryOnly) {
            s.append(" primaryOnly");
        }
        if (!hints.isEmpty()) {
            s.append(' ').append(hints);
        }
        s.append(parsedByCalcite ? " calcite" : " tokens");
        return s.append(']').toString();
    }

    /** Assembles a {@link Classification}; not thread-safe, not reusable after {@link #build()}. */
    public static final class Builder {
        private StatementKind kind;
        private Set<String> tablesRead;
        private Set<String> tablesWritten;
        private Set<String> tablesDropped;
        private boolean lockingRead;
        private Set<String> sideEffectFunctions;
        private Set<String> unverifiedFunctions;
        private Set<String> userFunctions;
        private boolean nodeSpecific;
        private boolean multiStatement;
        private Hints hints = Hints.NONE;
        private boolean parsedByCalcite;
        private PinReason pinReason;
        private SessionEffect sessionEffect;
        private boolean implicitCommit;
        private boolean primaryOnly;

        private Builder(StatementKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        public Builder kind(StatementKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        public StatementKind kind() {
            return kind;
        }

        public Builder tablesRead(Collection<String> tables) {
            tablesRead = addAll(tablesRead, tables);
            return this;
        }

        public Builder tableRead(String table) {
            tablesRead = add(tablesRead, table);
            return this;
        }

        public Builder tablesWritten(Collection<String> tables) {
            tablesWritten = addAll(tablesWritten, tables);
            return this;
        }

        public Builder tableWritten(String table) {
            tablesWritten = add(tablesWritten, table);
            return this;
        }

        public Builder tablesDropped(Collection<String> tables) {
            tablesDropped = addAll(tablesDropped, tables);
            return this;
        }

        public Builder tableDropped(String table) {
            tablesDropped = add(tablesDropped, table);
            return this;
        }

        /**
         * Keeps only the dropped tables that are also in {@code tables}: what a text drops whichever
         * of its readings the server takes.
         */
        public Builder retainTablesDropped(Collection<String> tables) {
            if (tablesDropped != null) {
                tablesDropped.retainAll(tables);
            }
            return this;
        }

        public Builder lockingRead(boolean locking) {
            this.lockingRead |= locking;
            return this;
        }

        public Builder sideEffectFunctions(Collection<String> names) {
            sideEffectFunctions = addAll(sideEffectFunctions, names);
            return this;
        }

        public Builder sideEffectFunction(String name) {
            sideEffectFunctions = add(sideEffectFunctions, name);
            return this;
        }

        public Builder unverifiedFunctions(Collection<String> names) {
            unverifiedFunctions = addAll(unverifiedFunctions, names);
            return this;
        }

        public Builder unverifiedFunction(String name) {
            unverifiedFunctions = add(unverifiedFunctions, name);
            return this;
        }

        public Builder userFunctions(Collection<String> names) {
            userFunctions = addAll(userFunctions, names);
            return this;
        }

        public Builder userFunction(String name) {
            userFunctions = add(userFunctions, name);
            return this;
        }

        public Builder nodeSpecific(boolean nodeSpecific) {
            this.nodeSpecific |= nodeSpecific;
            return this;
        }

        public Builder multiStatement(boolean multiStatement) {
            this.multiStatement |= multiStatement;
            return this;
        }

        public Builder hints(Hints hints) {
            this.hints = Objects.requireNonNull(hints, "hints");
            return this;
        }

        public Builder parsedByCalcite(boolean parsed) {
            this.parsedByCalcite = parsed;
            return this;
        }

        /** Sets the pin reason unless one is already set: the first reason found is reported. */
        public Builder pinReason(PinReason reason) {
            if (this.pinReason == null) {
                this.pinReason = reason;
            }
            return this;
        }

        public Builder sessionEffect(SessionEffect effect) {
            this.sessionEffect = effect;
            return this;
        }

        public SessionEffect sessionEffect() {
            return sessionEffect;
        }

        /** Sets (not accumulates) {@link Classification#implicitCommit()}. */
        public Builder implicitCommit(boolean commits) {
            this.implicitCommit = commits;
            return this;
        }

        public Builder primaryOnly(boolean primaryOnly) {
            this.primaryOnly |= primaryOnly;
            return this;
        }

        public Classification build() {
            return new Classification(this);
        }

        private static Set<String> add(Set<String> set, String value) {
            Set<String> s = set == null ? new LinkedHashSet<>(4) : set;
            s.add(Objects.requireNonNull(value));
            return s;
        }

        private static Set<String> addAll(Set<String> set, Collection<String> values) {
            if (values.isEmpty()) {
                return set;
            }
            Set<String> s = set == null ? new LinkedHashSet<>(Math.max(4, values.size() * 2)) : set;
            s.addAll(values);
            return s;
        }
    }
}
