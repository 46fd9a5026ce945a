package dev.junction.router;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    /** A query ({@code SELECT}, {@code WITH ... SELECT}, {@code VALUES}, {@code TABLE t}). */
    READ,
    /** Changes rows: {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, {@code COPY FROM}. */
    WRITE,
    /** Changes the schema: {@code CREATE}, {@code ALTER}, {@code DROP}, {@code GRANT}. */
    DDL,
    /** Transaction control: {@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, {@code SAVEPOINT}. */
    TRANSACTION,
    /** Changes connection state: {@code SET}, {@code USE}, {@code LISTEN}, {@code PREPARE}. */
    SESSION,
    /** Reads without being a query: {@code SHOW}, {@code EXPLAIN}, {@code COPY ... TO STDOUT}. */
    UTILITY_READ,
    /** Maintenance or server commands: {@code VACUUM}, {@code CALL}, {@code DO}, {@code NOTIFY}. */
    UTILITY_WRITE,
    /** Could not be classified; always runs on the primary. */
    UNKNOWN
}
