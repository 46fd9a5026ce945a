package dev.junction.driver.internal.jdbc;

import dev.junction.driver.internal.pipeline.FakeCluster;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A backend {@link Driver} over servers that exist only here, for what happens at connect time: each server has a
 * role, may demand a password (a wrong one is PostgreSQL's {@code 28P01}), may refuse every connection with a given
 * error, or may hang (a SIGSTOPped server) until the test releases it. Connections answer the role probe and the
 * monitor's probe, and any other query with one row. Every {@code connect} is recorded with its properties, and every
 * query with the user and application name of the connection it ran on.
 *
 * <p>Hosts not declared do not exist: connecting to them is refused as PgJDBC refuses a closed port (08001).
 */
public final class FakeBackendDriver implements Driver {
    /** One fake server. */
    public static final class Server {
        volatile boolean replica;
        /** The only password this server accepts; null accepts any. */
        volatile String password;
        /** Thrown by every connect when set: the server answers and refuses. */
        volatile SQLException refusal;
        /** While set, connects block until it counts down, then fail as a timed-out connect does. */
        volatile CountDownLatch hang;
        /** Thrown once by the next prepared query when set: a connection lost in the middle of a catalog lookup. */
        public volatile SQLException nextPreparedQueryFailure;

        public Server replica() {
            replica = true;
            return this;
        }

        Server password(String password) {
            this.password = password;
            return this;
        }

        Server refusing(SQLException refusal) {
            this.refusal = refusal;
            return this;
        }

        Server hung() {
            hang = new CountDownLatch(1);
            return this;
        }

        void wake() {
            CountDownLatch latch = hang;
            hang = null;
            if (latch != null) {
                latch.countDown();
            }
        }
    }

    /** One call of {@link #connect}: the server's {@code host:port} and a copy of the properties. */
    public record Connect(String address, Properties properties) {
        String password() {
            return properties.getProperty("password");
        }
    }

    /** One query: where it ran, as which user under which application name, its text and its string parameters. */
    public record Query(String address, String user, String applicationName, String sql, List<String> parameters) {}

    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    final List<Connect> connects = Collections.synchronizedList(new ArrayList<>());
    final List<Query> queries = Collections.synchronizedList(new ArrayList<>());
    /** Connections open now, by application name ("" for none). */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> open = new ConcurrentHashMap<>();

    /** Declares the server at {@code address} ({@code host:port}, IPv6 in brackets). */
    public Server server(String address) {
        return servers.computeIfAbsent(address, a -> new Server());
    }

    /** Lets every hung connect go; call it when a test ends so that no thread stays blocked. */
    public void wakeAll() {
        servers.values().forEach(Server::wake);
    }

    /** The connects made to {@code address}. */
    public List<Connect> connectsTo(String address) {
        synchronized (connects) {
            return connects.stream().filter(c -> c.address().equals(address)).toList();
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        int start = url.indexOf("//") + 2;
        int end = url.indexOf('/', start);
        String address = url.substring(start, end < 0 ? url.length() : end);
        Properties copy = new Properties();
        copy.putAll(info);
        connects.add(new Connect(address, copy));
        Server server = servers.get(address);
        if (server == null) {
            throw new SQLNonTransientConnectionException(
                    "Connection to " + address + " refused. Check that the hostname and port "
                            + "are correct and that the postmaster is accepting TCP/IP connections.",
                    "08001");
        }
        CountDownLatch hang = server.hang;
        if (hang != null) {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLNonTransientConnectionException("The connection attempt failed: connect timed out", "08001");
        }
        if (server.refusal != null) {
            throw server.refusal;
        }
        if (server.password != null && !server.password.equals(info.getProperty("password"))) {
            throw new SQLException(
                    "FATAL: password authentication failed for user \"" + info.getProperty("user") + "\"", "28P01");
        }
        return connection(server, new Connect(address, copy));
    }

    /** How many connections with {@code applicationName} are open now. */
    public int openConnections(String applicationName) {
        java.util.concurrent.atomic.AtomicInteger count = open.get(applicationName);
        return count == null ? 0 : count.get();
    }

    /**
     * Waits until some query {@code matches}, at most {@code within}: for a query made on a thread of the driver's own
     * (the table catalog's). Whether one did.
     */
    public boolean awaitQuery(java.util.function.Predicate<Query> matches, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (queries) {
            while (queries.stream().noneMatch(matches)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(queries, left);
            }
            return true;
        }
    }

    /** The queries made on connections with {@code applicationName}. */
    public List<Query> queriesBy(String applicationName) {
        synchronized (queries) {
            return queries.stream()
                    .filter(q -> applicationName.equals(q.applicationName()))
                    .toList();
        }
    }

    private Connection connection(Server server, Connect connect) {
        boolean[] closed = {false};
        java.util.concurrent.atomic.AtomicInteger count = open.computeIfAbsent(
                connect.properties().getProperty("ApplicationName", ""),
                a -> new java.util.concurrent.atomic.AtomicInteger());
        count.incrementAndGet();
        return proxy(Connection.class, (p, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement(server, connect, null);
            case "prepareStatement" -> statement(server, connect, (String) args[0]);
            case "close", "abort" -> {
                synchronized (closed) {
                    if (!closed[0]) {
                        count.decrementAndGet();
                    }
                    closed[0] = true;
                }
                yield null;
            }
            case "isClosed" -> closed[0];
            case "isValid", "getAutoCommit" -> !closed[0];
            case "isReadOnly", "isWrapperFor" -> false;
            case "toString" -> "FakeBackendConnection";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == args[0];
            default -> FakeCluster.defaultValue(method.getReturnType());
        });
    }

    /** A statement, or a prepared statement of {@code prepared}; every query is recorded. */
    private Statement statement(Server server, Connect connect, String prepared) {
        Class<? extends Statement> type = prepared == null ? Statement.class : java.sql.PreparedStatement.class;
        List<String> parameters = new ArrayList<>();
        return proxy(type, (p, method, args) -> switch (method.getName()) {
            case "setString" -> {
                parameters.add((String) args[1]);
                yield null;
            }
            case "executeQuery" -> {
                synchronized (queries) {
                    queries.add(new Query(
                            connect.address(),
                            connect.properties().getProperty("user"),
                            connect.properties().getProperty("ApplicationName"),
                            prepared != null ? prepared : (String) args[0],
                            List.copyOf(parameters.stream().map(String::valueOf).toList())));
                    queries.notifyAll(); // awaitQuery
                }
                parameters.clear();
                SQLException failure = server.nextPreparedQueryFailure;
                if (prepared != null && failure != null) {
                    server.nextPreparedQueryFailure = null;
                    throw failure;
                }
                yield row(server);
            }
            case "execute" -> true;
            case "getResultSet" -> row(server);
            case "toString" -> "FakeBackendStatement";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == args[0];
            default -> FakeCluster.defaultValue(method.getReturnType());
        });
    }

    /** {@code pg_is_in_recovery(), <lsn>}: the role probe and the monitor's probe read the same row. */
    private static ResultSet row(Server server) {
        boolean[] read = {false};
        return proxy(ResultSet.class, (p, method, args) -> switch (method.getName()) {
            case "next" -> {
                boolean first = !read[0];
                read[0] = true;
                yield first;
            }
            case "getBoolean" -> server.replica;
            case "getString" -> "0/3000000";
            case "getInt" -> 1;
            case "isClosed", "wasNull" -> false;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == args[0];
            default -> FakeCluster.defaultValue(method.getReturnType());
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(
                Proxy.newProxyInstance(FakeBackendDriver.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
