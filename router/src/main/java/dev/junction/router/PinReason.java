package dev.junction.router;

/**
 * Why running a statement ties the session to the primary until the state it created is gone. The
 * driver cannot replay these effects on another node, so it pins the session instead.
 */
public enum PinReason {
    /** A temporary table, view or sequence exists only on the connection that created it. */
    TEMPORARY_TABLE,
    /** A session-level advisory lock ({@code pg_advisory_lock}, {@code GET_LOCK}). */
    ADVISORY_LOCK,
    /** {@code LISTEN}: notifications arrive only on this connection, and only on the primary. */
    LISTEN,
    /** A server-side statement prepared by name ({@code PREPARE name ...}). */
    NAMED_PREPARE,
    /** A cursor declared {@code WITH HOLD} outlives its transaction on this connection. */
    HOLDABLE_CURSOR,
    /** MySQL {@code LOCK TABLES}: the locks belong to the session. */
    TABLE_LOCK,
    /**
     * Session state whose value comes from a query and cannot be re-created by replaying the
     * statement elsewhere: {@code set_config(...)}, MySQL {@code SELECT ... INTO @v}, {@code @v :=}.
     */
    UNREPLAYABLE_SESSION_STATE
}
