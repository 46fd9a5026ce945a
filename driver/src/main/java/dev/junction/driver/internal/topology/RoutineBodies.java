package dev.junction.driver.internal.topology;

import dev.junction.router.Dialect;
import dev.junction.router.FunctionCatalog.Volatility;
import dev.junction.router.RoutineBody;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Proves MySQL/MariaDB stored functions read-only, or fails to. The servers do not enforce a function's declared data
 * access (a hostile test inserted through {@code NO SQL}, {@code CONTAINS SQL} and lying {@code READS SQL DATA}
 * functions on a replica), so the declaration only rules out: a function is read-only when it declares {@code NO SQL}
 * or {@code READS SQL DATA}, its body ({@code ROUTINE_DEFINITION}) contains nothing that writes, calls a procedure or
 * runs dynamic SQL ({@link RoutineBody}), it reads no view (a view may call a writing function), and every user
 * function it calls is read-only by the same rule. Anything unreadable (no privilege to see the body, a cycle of
 * calls) is not proven, which routes to the primary. The questions go over the topology's {@link CatalogConnection},
 * so "unreadable" is judged with the credentials of the connection that asks, never with another user's: a function
 * whose body only another account may read is not proven read-only for this one.
 *
 * <p>An unqualified name at the top is looked up in every schema (see {@link JdbcFunctionCatalog}); inside a body it
 * means the function's own schema, where the server resolves it.
 */
final class RoutineBodies {
    private static final String FUNCTIONS =
            "select ROUTINE_SCHEMA, SQL_DATA_ACCESS, ROUTINE_DEFINITION from information_schema.ROUTINES"
                    + " where ROUTINE_TYPE = 'FUNCTION' and ROUTINE_NAME = ? and (? is null or ROUTINE_SCHEMA = ?)"
                    + " and ROUTINE_SCHEMA not in ('mysql', 'information_schema', 'performance_schema', 'sys')";
    private static final String IS_VIEW =
            "select count(*) from information_schema.VIEWS where TABLE_NAME = ? and TABLE_SCHEMA = ?";
    /** A body assigns its parameters like locals; their names are not in {@code ROUTINE_DEFINITION}. */
    private static final String PARAMETERS =
            "select PARAMETER_NAME from information_schema.PARAMETERS where SPECIFIC_SCHEMA = ?"
                    + " and SPECIFIC_NAME = ? and ROUTINE_TYPE = 'FUNCTION' and PARAMETER_NAME is not null";

    /** The answer for {@code name} ({@code name} or {@code schema.name}, as the statement wrote it). */
    Volatility volatility(Connection connection, String name) throws SQLException {
        return volatility(connection, name, null, new HashSet<>());
    }

    /**
     * @param defaultSchema the schema an unqualified name means (the calling function's), or null for every schema
     * @param visiting      functions on the current call path: meeting one again is a cycle, not proven
     */
    private Volatility volatility(Connection connection, String name, String defaultSchema, Set<String> visiting)
            throws SQLException {
        int dot = name.lastIndexOf('.');
        String schema = dot < 0 ? defaultSchema : unquote(name.substring(0, dot));
        String simple = unquote(dot < 0 ? name : name.substring(dot + 1));
        boolean found = false;
        try (PreparedStatement query = connection.prepareStatement(FUNCTIONS)) {
            query.setString(1, simple);
            query.setString(2, schema);
            query.setString(3, schema);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found = true;
                    String owner = rows.getString(1);
                    String key = (owner + "." + simple).toLowerCase(Locale.ROOT);
                    if (!visiting.add(key)) {
                        return Volatility.MAY_WRITE; // a cycle: not provable
                    }
                    try {
                        if (!provablyReadOnly(
                                connection, owner, simple, rows.getString(2), rows.getString(3), visiting)) {
                            return Volatility.MAY_WRITE;
                        }
                    } finally {
                        visiting.remove(key);
                    }
                }
            }
        }
        // No stored function of that name: a built-in the classifier does not know, or a loadable (UDF) function,
        // which ROUTINES does not list and which may do anything: not proven.
        return found ? Volatility.READ_ONLY : Volatility.UNKNOWN;
    }

    private boolean provablyReadOnly(
            Connection connection,
            String schema,
            String function,
            String access,
            String definition,
            Set<String> visiting)
            throws SQLException {
        if (!"NO SQL".equalsIgnoreCase(access) && !"READS SQL DATA".equalsIgnoreCase(access)) {
            return false;
        }
        if (definition == null || definition.isBlank()) {
            return false; // the body is hidden from this user: nothing to prove it with
        }
        RoutineBody body = RoutineBody.analyze(Dialect.MYSQL, definition, parameters(connection, schema, function));
        if (body.mayWrite()) {
            return false;
        }
        for (String table : body.tablesRead()) {
            if (isView(connection, schema, table)) {
                return false;
            }
        }
        for (String called : body.userFunctions()) {
            if (volatility(connection, called, schema, visiting) != Volatility.READ_ONLY) {
                return false;
            }
        }
        return true;
    }

    private static List<String> parameters(Connection connection, String schema, String function) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PARAMETERS)) {
            query.setString(1, schema);
            query.setString(2, function);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static boolean isView(Connection connection, String schema, String table) throws SQLException {
        int dot = table.lastIndexOf('.');
        try (PreparedStatement query = connection.prepareStatement(IS_VIEW)) {
            query.setString(1, unquote(dot < 0 ? table : table.substring(dot + 1)));
            query.setString(2, dot < 0 ? schema : unquote(table.substring(0, dot)));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        }
    }

    private static String unquote(String identifier) {
        String s = identifier.trim();
        return s.length() >= 2 && s.charAt(0) == '`' && s.charAt(s.length() - 1) == '`'
                ? s.substring(1, s.length() - 1)
                : s;
    }
}
