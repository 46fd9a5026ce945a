package dev.junction.driver.internal;

import dev.junction.router.FunctionCatalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Answers the classifier's question "may this user function write?" from the primary's catalog: PostgreSQL
 * {@code pg_proc.provolatile} (volatile may write; any volatile overload counts), MySQL/MariaDB
 * {@code information_schema.ROUTINES.SQL_DATA_ACCESS} ({@code MODIFIES SQL DATA} may write). The classifier asks
 * once per function name and keeps definite answers, so each lookup opens a short connection of its own rather than
 * borrowing a session's (it may run in the middle of that session's transaction). Never throws: a failed lookup is
 * {@link Volatility#UNKNOWN}, which routes to the primary and is asked again next time.
 */
final class JdbcFunctionCatalog implements FunctionCatalog {
    private static final String POSTGRES_UNQUALIFIED = "select count(*), coalesce(bool_or(p.provolatile = 'v'), false) from pg_proc p"
            + " join pg_namespace n on n.oid = p.pronamespace where p.proname = ? and n.nspname = any (current_schemas(true))";
    private static final String POSTGRES_QUALIFIED = "select count(*), coalesce(bool_or(p.provolatile = 'v'), false) from pg_proc p"
            + " join pg_namespace n on n.oid = p.pronamespace where p.proname = ? and n.nspname = ?";
    private static final String MYSQL = "select count(*), coalesce(max(SQL_DATA_ACCESS = 'MODIFIES SQL DATA'), 0)"
            + " from information_schema.ROUTINES where ROUTINE_TYPE = 'FUNCTION' and ROUTINE_NAME = ?"
            + " and ROUTINE_SCHEMA = coalesce(?, database())";

    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final Backend backend;

    JdbcFunctionCatalog(ClusterTopology topology, NodeConnector connector, Backend backend) {
        this.topology = topology;
        this.connector = connector;
        this.backend = backend;
    }

    @Override
    public Volatility lookup(String functionName) {
        int dot = functionName.lastIndexOf('.');
        String schema = dot < 0 ? null : functionName.substring(0, dot);
        String name = dot < 0 ? functionName : functionName.substring(dot + 1);
        try (Connection connection = connector.open(topology.primary().address());
             PreparedStatement query = connection.prepareStatement(sql(schema))) {
            query.setString(1, name);
            if (schema != null || backend == Backend.MYSQL) {
                query.setString(2, schema);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                if (rows.getLong(1) == 0) {
                    return Volatility.UNKNOWN;
                }
                return rows.getBoolean(2) ? Volatility.MAY_WRITE : Volatility.READ_ONLY;
            }
        } catch (SQLException | RuntimeException e) {
            return Volatility.UNKNOWN;
        }
    }

    private String sql(String schema) {
        if (backend == Backend.MYSQL) {
            return MYSQL;
        }
        return schema == null ? POSTGRES_UNQUALIFIED : POSTGRES_QUALIFIED;
    }

    @Override
    public String toString() {
        return "JdbcFunctionCatalog[" + topology.describe() + "]";
    }
}
