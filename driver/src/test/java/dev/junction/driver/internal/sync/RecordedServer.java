package dev.junction.driver.internal.sync;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server that exists as recorded answers: each query text answers with the next of the rows queued for it (the last
 * one again once the queue is down to one), each row a map from column label to value, position {@code 1}, {@code 2}…
 * included. A dynamic proxy: fine in a test fixture, never in production code.
 */
final class RecordedServer {
    private final String version;
    private final Map<String, Deque<List<Map<String, String>>>> answers = new HashMap<>();

    RecordedServer(String version) {
        this.version = version;
    }

    /** Queues {@code row} (label → value; positions as "1", "2"…) as an answer to {@code sql}. */
    RecordedServer answers(String sql, Map<String, String> row) {
        return answersRows(sql, List.of(row));
    }

    /** Queues {@code rows} as one answer of several rows to {@code sql}. */
    RecordedServer answersRows(String sql, List<Map<String, String>> rows) {
        answers.computeIfAbsent(sql, key -> new ArrayDeque<>()).add(rows);
        return this;
    }

    Connection connection() {
        return proxy(Connection.class, (method, args) -> switch (method) {
            case "createStatement" -> statement();
            case "prepareStatement" -> prepared((String) args[0]);
            case "getMetaData" ->
                proxy(
                        DatabaseMetaData.class,
                        (inner, innerArgs) -> inner.equals("getDatabaseProductVersion") ? version : null);
            case "close", "setNetworkTimeout" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private Statement statement() {
        return proxy(Statement.class, (method, args) -> switch (method) {
            case "executeQuery" -> results((String) args[0]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    /** Parameters are ignored: the answer is the one recorded for the text. */
    private java.sql.PreparedStatement prepared(String sql) {
        return proxy(java.sql.PreparedStatement.class, (method, args) -> switch (method) {
            case "executeQuery" -> results(sql);
            case "setString", "setDouble", "setInt", "setLong", "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private ResultSet results(String sql) throws SQLException {
        Deque<List<Map<String, String>>> queue = answers.get(sql);
        if (queue == null) {
            throw new SQLException("not recorded: " + sql, "42000");
        }
        List<Map<String, String>> rows = queue.size() > 1 ? queue.poll() : queue.peek();
        int[] at = {-1};
        return proxy(ResultSet.class, (method, args) -> switch (method) {
            case "next" -> ++at[0] < rows.size();
            case "getString" -> value(rows.get(at[0]), args[0]);
            case "getBoolean" ->
                "1".equals(value(rows.get(at[0]), args[0])) || "true".equalsIgnoreCase(value(rows.get(at[0]), args[0]));
            case "getLong" -> Long.parseLong(value(rows.get(at[0]), args[0]));
            case "getInt" -> Integer.parseInt(value(rows.get(at[0]), args[0]));
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static String value(Map<String, String> row, Object column) {
        return row.get(String.valueOf(column));
    }

    /** A proxied JDBC object's answer to one call, by method name ({@link #proxy}). */
    @FunctionalInterface
    interface Answer {
        Object answer(String method, Object[] args) throws SQLException;
    }

    /** A JDBC object of {@code type} that answers every call with {@code answer}, with identity as a real one's. */
    static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                RecordedServer.class.getClassLoader(),
                new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    // Identity, as a real connection's: the code under test keys maps by connection.
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(self);
                    default -> answer.answer(method.getName(), args);
                }));
    }
}
