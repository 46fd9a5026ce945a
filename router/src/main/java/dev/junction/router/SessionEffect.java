package dev.junction.router;

import java.util.Objects;

/**
 * What a {@link StatementKind#SESSION} or {@link StatementKind#TRANSACTION} statement does to the
 * connection, so that the driver can track it, replay it on the other physical connections a session
 * uses, or pin the session to the primary.
 *
 * <p>The driver replays session statements by their SQL text; {@link #target()} and {@link
 * #value()} are there to let it recognise the effects it must interpret itself (isolation level,
 * {@code autocommit}, the current schema). For statements that assign several variables at once
 * ({@code SET a = 1, b = 2} on MySQL) they describe the first assignment, except that an
 * assignment to {@code autocommit} anywhere in the list makes the effect {@link
 * Kind#SET_AUTOCOMMIT}.
 */
public final class SessionEffect {

    /** The effect, coarse enough to switch on. */
    public enum Kind {
        /** {@code SET name = value} for the session (PostgreSQL GUC, MySQL session variable). */
        SET_VARIABLE,
        /**
         * MySQL/MariaDB {@code SET [SESSION|LOCAL] autocommit = ...} in any spelling (the variable as
         * {@code @@autocommit} or {@code @@session.autocommit}, {@code :=}, values {@code 0/1/ON/OFF/TRUE/FALSE}
         * in any case, quoted or not). Target {@code autocommit}; value {@code "0"} or {@code "1"} when
         * autocommit is the only variable assigned and its value is one of those literals, {@code null}
         * otherwise (an expression, {@code DEFAULT}, or other variables assigned by the same statement):
         * the driver cannot tell what the session's autocommit mode becomes. Setting 1 when it was 0
         * commits the open transaction ({@link Classification#implicitCommit()}).
         */
        SET_AUTOCOMMIT,
        /** {@code SET LOCAL} / {@code SET CONSTRAINTS}: lasts until the end of the transaction. */
        SET_LOCAL,
        /** {@code SET search_path}, PostgreSQL {@code SET SCHEMA}. */
        SET_SEARCH_PATH,
        /** MySQL {@code SET NAMES} / {@code SET CHARACTER SET}. */
        SET_NAMES,
        /** {@code SET TRANSACTION ...}: characteristics of the current (PostgreSQL) or next (MySQL) transaction. */
        SET_TRANSACTION,
        /** {@code SET SESSION CHARACTERISTICS AS TRANSACTION ...}, MySQL {@code SET SESSION TRANSACTION ...}. */
        SET_SESSION_CHARACTERISTICS,
        /** MySQL user variable assignment {@code SET @v = ...}. */
        USER_VARIABLE,
        /** MySQL {@code USE db}. */
        USE_DATABASE,
        /** PostgreSQL {@code RESET name} / {@code RESET ALL}. */
        RESET,
        /**
         * PostgreSQL {@code DISCARD ALL|PLANS|SEQUENCES|TEMP}; target {@code all}, {@code plans},
         * {@code sequences} or {@code temp} ({@code TEMPORARY} too).
         */
        DISCARD,
        /** {@code LISTEN channel}; target the channel as the server resolves it. */
        LISTEN,
        /**
         * {@code UNLISTEN channel} / {@code UNLISTEN *}; target the channel as the server resolves it,
         * {@code null} for {@code *} (every channel).
         */
        UNLISTEN,
        /**
         * {@code PREPARE name ...}; target the statement's name as the server resolves it (lower case
         * on MySQL, which ignores the case of these names).
         */
        PREPARE,
        /**
         * {@code DEALLOCATE [PREPARE] name} / {@code DEALLOCATE [PREPARE] ALL}; target the name as for
         * {@link #PREPARE}, {@code null} for {@code ALL}.
         */
        DEALLOCATE,
        /**
         * Cursor statements: {@code DECLARE} (target the cursor), {@code FETCH}, {@code MOVE} (value
         * the statement).
         */
        CURSOR,
        /**
         * {@code CLOSE cursor} / {@code CLOSE ALL}; target the cursor as the server resolves it, {@code
         * null} for {@code ALL}.
         */
        CLOSE,
        /** MySQL {@code UNLOCK TABLES}. */
        UNLOCK_TABLES,
        /** {@code BEGIN} / {@code START TRANSACTION} (read-write or unspecified). */
        BEGIN,
        /** {@code BEGIN READ ONLY} / {@code START TRANSACTION READ ONLY}. */
        BEGIN_READ_ONLY,
        /**
         * {@code COMMIT} / PostgreSQL {@code END}. Value {@code "chain"} for {@code AND CHAIN} (a new
         * transaction with the same characteristics starts at once, see {@link #chain()}), {@code
         * "release"} for MySQL {@code RELEASE} (the server closes the connection afterwards), else
         * {@code null}.
         */
        COMMIT,
        /** {@code ROLLBACK} / PostgreSQL {@code ABORT}; value as for {@link #COMMIT}. */
        ROLLBACK,
        /** {@code SAVEPOINT name}. */
        SAVEPOINT,
        /** {@code RELEASE [SAVEPOINT] name}. */
        RELEASE_SAVEPOINT,
        /** {@code ROLLBACK TO [SAVEPOINT] name}. */
        ROLLBACK_TO_SAVEPOINT,
        /**
         * PostgreSQL two-phase commit: {@code PREPARE TRANSACTION}, {@code COMMIT PREPARED}, {@code
         * ROLLBACK PREPARED}; the value is the statement's text. MySQL XA has kinds of its own.
         */
        TWO_PHASE,
        /**
         * MySQL {@code XA START|BEGIN xid [JOIN|RESUME]}: opens an XA transaction on this connection.
         * Target: the xid as written ({@code 'gtrid'[, 'bqual'[, formatID]]}); value: {@code join},
         * {@code resume} or {@code null}.
         */
        XA_START,
        /** MySQL {@code XA END xid [SUSPEND [FOR MIGRATE]]}; target the xid, value the options or {@code null}. */
        XA_END,
        /** MySQL {@code XA PREPARE xid}: the XA transaction is prepared and no longer tied to the session. */
        XA_PREPARE,
        /** MySQL {@code XA COMMIT xid [ONE PHASE]}; value {@code one phase} or {@code null}. */
        XA_COMMIT,
        /** MySQL {@code XA ROLLBACK xid}. */
        XA_ROLLBACK,
        /**
         * MySQL {@code XA RECOVER [CONVERT XID]}: lists the XA transactions prepared on the node that
         * answers (a node-specific read).
         */
        XA_RECOVER
    }

    private final Kind kind;
    private final String target;
    private final String value;

    private SessionEffect(Kind kind, String target, String value) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.target = target;
        this.value = value;
    }

    /**
     * @param kind what the statement does
     * @param target what it acts on (variable, schema, database, channel, statement or savepoint
     *     name), or {@code null}
     * @param value the value assigned or the statement's remaining text, or {@code null}
     */
    public static SessionEffect of(Kind kind, String target, String value) {
        return new SessionEffect(kind, target, value);
    }

    public Kind kind() {
        return kind;
    }

    /** Variable, schema, database, channel, statement or savepoint name; {@code null} when none. */
    public String target() {
        return target;
    }

    /** The assigned value or the options as written (e.g. {@code isolation level serializable}); may be {@code null}. */
    public String value() {
        return value;
    }

    /**
     * A {@code COMMIT AND CHAIN} or {@code ROLLBACK AND CHAIN}: the transaction ends and a new one
     * with the same characteristics starts at once, on the same connection and node.
     */
    public boolean chain() {
        return (kind == Kind.COMMIT || kind == Kind.ROLLBACK) && "chain".equals(value);
    }

    /** A MySQL {@code COMMIT RELEASE} or {@code ROLLBACK RELEASE}: the server disconnects the session afterwards. */
    public boolean release() {
        return (kind == Kind.COMMIT || kind == Kind.ROLLBACK) && "release".equals(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionEffect other
                && kind == other.kind
                && Objects.equals(target, other.target)
                && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, target, value);
    }

    @Override
    public String toString() {
        return kind + (target == null ? "" : " " + target) + (value == null ? "" : " = " + value);
    }
}
