package dev.junction.router;

/**
 * Tells the classifier whether a user-defined function may write. The driver implements it with
 * {@code pg_proc.provolatile} (PostgreSQL: {@code v}olatile means it may write) or {@code
 * information_schema.ROUTINES.SQL_DATA_ACCESS} (MySQL/MariaDB: {@code MODIFIES SQL DATA}).
 *
 * <p>The classifier asks once per function name and caches definite answers ({@link
 * Volatility#READ_ONLY}, {@link Volatility#MAY_WRITE}) for the classifier's lifetime; {@link
 * Volatility#UNKNOWN} is not cached, and neither is a classification that depended on it, so a
 * transient lookup failure only costs a primary round trip. Implementations may block (they usually
 * query the primary) and must be thread-safe; they must not throw — return {@code UNKNOWN} instead.
 */
@FunctionalInterface
public interface FunctionCatalog {

    /** A catalog that knows nothing: every user function counts as possibly writing. */
    FunctionCatalog NONE = name -> Volatility.UNKNOWN;

    /**
     * Looks a function up.
     *
     * @param functionName as the classifier saw it: PostgreSQL unquoted names lower-cased, MySQL
     *     names lower-cased; {@code schema.name} when the call was qualified
     */
    Volatility lookup(String functionName);

    /** Whether running a function can change data. */
    enum Volatility {
        /** Reads at most ({@code STABLE}/{@code IMMUTABLE}, {@code READS SQL DATA}, {@code NO SQL}). */
        READ_ONLY,
        /** May write or have other side effects ({@code VOLATILE}, {@code MODIFIES SQL DATA}). */
        MAY_WRITE,
        /** Not found or not determinable; treated like {@link #MAY_WRITE}. */
        UNKNOWN
    }
}
