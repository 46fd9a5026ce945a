package dev.junction.driver.internal.topology;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.router.FunctionCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Answers the classifier's question "may this user function write?" from the primary's catalog, for a name as the
 * statement wrote it, whatever the session's search path or current database: an unqualified name is read-only only
 * if every function of that name in every schema is (and an operator only if every operator of that symbol is), so
 * the answer is an upper bound of every resolution the server could make and can be cached by name alone. A session
 * that changes its search path or database ({@code SET search_path}, {@code USE}, {@code setSchema},
 * {@code setCatalog}) can therefore never reach a writing function through a name the classifier let go to a replica.
 * The price: a read-only function that shares its name with a writing one in another schema runs on the primary.
 *
 * <ul>
 *   <li>PostgreSQL: {@code pg_proc.provolatile}; volatile may write (the server enforces STABLE and IMMUTABLE:
 *       they cannot write). An operator resolves to its function through {@code pg_operator.oprcode}.</li>
 *   <li>MySQL/MariaDB: the server does not enforce a function's declared data access ({@code NO SQL} and
 *       {@code CONTAINS SQL} functions may insert, and so may one that falsely declares {@code READS SQL DATA}):
 *       a function is read-only only when it declares {@code NO SQL} or {@code READS SQL DATA} and its body
 *       ({@code ROUTINE_DEFINITION}) is shown free of anything that writes by {@link RoutineBodies}, including
 *       the functions it calls, recursively.</li>
 * </ul>
 *
 * The classifier asks once per function name and keeps definite answers (until DDL runs through Junction). A lookup
 * never borrows a session's connection (it may run in the middle of that session's transaction): it asks over the
 * topology's {@link CatalogConnection}, with the credentials the topology is keyed by, so a user is told only what
 * its own account can see, and a function it may not read is not proven read-only by someone else's account. Never
 * throws: a failed lookup is {@link Volatility#UNKNOWN}, which routes to the primary and is asked again next time.
 */
final class JdbcFunctionCatalog implements FunctionCatalog {
    private static final String POSTGRES_FUNCTION =
            "select count(*), coalesce(bool_or(p.provolatile = 'v'), false) from pg_proc p"
                    + " join pg_namespace n on n.oid = p.pronamespace where p.proname = ? and (? is null or n.nspname = ?)";
    private static final String POSTGRES_OPERATOR = "select count(*), coalesce(bool_or(p.provolatile = 'v'), false)"
            + " from pg_operator o join pg_proc p on p.oid = o.oprcode join pg_namespace n on n.oid = o.oprnamespace"
            + " where o.oprname = ? and (? is null or n.nspname = ?)";

    private final ClusterTopology topology;
    private final CatalogConnection catalog;
    private final Backend backend;
    private final RoutineBodies routines = new RoutineBodies();

    JdbcFunctionCatalog(ClusterTopology topology, CatalogConnection catalog, Backend backend) {
        this.topology = topology;
        this.catalog = catalog;
        this.backend = backend;
    }

    @Override
    public Volatility lookup(String functionName) {
        try {
            return catalog.onPrimary(connection -> backend.isMySqlFamily()
                    ? routines.volatility(connection, functionName)
                    : postgres(connection, functionName));
        } catch (SQLException | RuntimeException e) {
            return Volatility.UNKNOWN;
        }
    }

    /** {@code name}, {@code schema.name}, or {@code operator(###)} / {@code operator(schema.###)}. */
    private static Volatility postgres(Connection connection, String functionName) throws SQLException {
        boolean operator = functionName.startsWith("operator(") && functionName.endsWith(")");
        String name = operator ? functionName.substring("operator(".length(), functionName.length() - 1) : functionName;
        int dot = name.lastIndexOf('.');
        String schema = dot < 0 ? null : name.substring(0, dot);
        String simple = dot < 0 ? name : name.substring(dot + 1);
        try (PreparedStatement query = connection.prepareStatement(operator ? POSTGRES_OPERATOR : POSTGRES_FUNCTION)) {
            query.setString(1, simple);
            query.setString(2, schema);
            query.setString(3, schema);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                if (rows.getLong(1) == 0) {
                    // No such function or operator: the statement cannot call one ((t).city is a field, a missing
                    // function fails), and the answer lets the classification be cached. One created later
                    // elsewhere meets the replica guard; one created through Junction clears the answers.
                    return Volatility.READ_ONLY;
                }
                return rows.getBoolean(2) ? Volatility.MAY_WRITE : Volatility.READ_ONLY;
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcFunctionCatalog[" + topology.describe() + "]";
    }
}
