package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.FunctionCatalog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Servers that exist only as call logs: each fake node records, in order, every statement and every session call
 * made on any physical connection to it. Role probes answer from the role given here. Dynamic proxies are fine in a
 * test fixture; the production wrappers never use them.
 */
public final class FakeCluster {
    /** One fake server. */
    public static final class FakeServer {
        final HostAndPort address;
        volatile boolean replica;
        public final List<String> log = Collections.synchronizedList(new ArrayList<>());
        public int connectionsOpened;
        public SQLException failNext;
        /** Fails every statement but role probes and the replica guard while set: a server that lost its sessions. */
        volatile SQLException failStatements;
        /** Rows a query returns, by its text; a query not here returns one row naming the server. */
        public final Map<String, List<List<String>>> rows = new java.util.concurrent.ConcurrentHashMap<>();

        /** Makes {@code sql} return {@code rows} on this server, each a list of column values. */
        public FakeServer returns(String sql, List<List<String>> result) {
            rows.put(sql, result);
            return this;
        }

        FakeServer(HostAndPort address, boolean replica) {
            this.address = address;
            this.replica = replica;
        }

        /** The log without the role probes and the read-only guard of replica connections. */
        public List<String> statements() {
            List<String> copy = new ArrayList<>(log);
            copy.removeIf(line ->
                    line.startsWith("select pg_is_in_recovery") || line.equals("close") || replica && isGuard(line));
            return copy;
        }

        /** The whole log but the role probes: the guard of replica connections included. */
        public List<String> statementsWithGuard() {
            List<String> copy = new ArrayList<>(log);
            copy.removeIf(line -> line.startsWith("select pg_is_in_recovery") || line.equals("close"));
            return copy;
        }

        private static boolean isGuard(String line) {
            return line.equals(BackendDialect.POSTGRESQL.readOnlySessionSql())
                    || line.startsWith("setNetworkTimeout=")
                    || line.equals("getNetworkTimeout");
        }
    }

    final Map<HostAndPort, FakeServer> servers = new LinkedHashMap<>();
    public final List<Object> physicalObjects = Collections.synchronizedList(new ArrayList<>());
    /** What ran on each physical connection alone: a server's log also holds other connections' work. */
    private final Map<Connection, List<String>> connectionLogs =
            Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    public FakeCluster(String... roles) {
        int port = 5432;
        for (String role : roles) {
            HostAndPort address = new HostAndPort("h" + (port - 5431), port++);
            servers.put(address, new FakeServer(address, role.equals("replica")));
        }
    }

    public FakeServer server(int index) {
        return new ArrayList<>(servers.values()).get(index);
    }

    public NodeConnector connector() {
        return address -> {
            FakeServer server = servers.get(address);
            if (server == null) {
                throw new SQLException("Connection to " + address + " refused", "08001");
            }
            server.connectionsOpened++;
            return connection(server);
        };
    }

    /** Every statement and session call made on {@code physical}, in order, without the ones other connections made. */
    List<String> log(Connection physical) {
        List<String> log = connectionLogs.get(physical);
        return log == null ? List.of() : List.copyOf(log);
    }

    public RoutingConnection connect(String parameters) throws SQLException {
        ConnectionSettings settings = settings(parameters);
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        return connect(settings, topology);
    }

    /** A connection over {@code topology}, which several connections may share (with a monitor attached, say). */
    RoutingConnection connect(ConnectionSettings settings, ClusterTopology topology) {
        return connect(settings, topology, RouterStatementRouting.create(Backend.POSTGRESQL, FunctionCatalog.NONE));
    }

    /** A connection that classifies with {@code routing}, which several connections may share. */
    RoutingConnection connect(ConnectionSettings settings, ClusterTopology topology, StatementRouting routing) {
        return new RoutingConnection(settings, topology, connector(), routing, null);
    }

    public ConnectionSettings settings(String parameters) throws SQLException {
        StringBuilder url = new StringBuilder("jdbc:junction:postgresql://");
        String separator = "";
        for (HostAndPort address : servers.keySet()) {
            url.append(separator).append(address);
            separator = ",";
        }
        url.append("/app").append(parameters);
        Properties properties = new Properties();
        if (!parameters.contains("loadBalance=")) {
            // The tests name the replica each read reaches: in turn, not by load (which these fakes do not have)
            properties.setProperty("loadBalance", "round-robin");
        }
        return ConnectionSettings.of(JunctionUrl.parse(url.toString()), properties, Map.of());
    }

    private <T> T proxy(Class<T> type, InvocationHandler handler) {
        T object = type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
        physicalObjects.add(object);
        return object;
    }

    private Connection connection(FakeServer server) {
        boolean[] closed = {false};
        Connection[] self = new Connection[1];
        List<String> own = Collections.synchronizedList(new ArrayList<>());
        self[0] = proxy(Connection.class, (p, method, args) -> {
            String name = method.getName();
            switch (name) {
                case "createStatement":
                    return statement(server, self[0], Statement.class, null);
                case "prepareStatement":
                    return statement(server, self[0], PreparedStatement.class, (String) args[0]);
                case "prepareCall":
                    return statement(server, self[0], CallableStatement.class, (String) args[0]);
                case "getMetaData":
                    return metaData(server, self[0]);
                case "close":
                    closed[0] = true;
                    server.log.add("close");
                    return null;
                case "isClosed":
                    return closed[0];
                case "isValid":
                    return !closed[0];
                case "isWrapperFor":
                    return false;
                case "getSchema":
                    return "public";
                case "toString":
                    return "FakeConnection[" + server.address + "]";
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                default:
                    server.log.add(name + (args == null ? "" : "=" + args[args.length - 1]));
                    own.add(name + (args == null ? "" : "=" + args[args.length - 1]));
                    return defaultValue(method.getReturnType());
            }
        });
        connectionLogs.put(self[0], own);
        return self[0];
    }

    private <T extends Statement> T statement(
            FakeServer server, Connection connection, Class<T> type, String preparedSql) {
        Object[] self = new Object[1];
        ResultSet[] last = new ResultSet[1];
        T statement = proxy(type, (p, method, args) -> {
            String name = method.getName();
            switch (name) {
                case "executeQuery":
                case "execute":
                case "executeUpdate":
                case "executeLargeUpdate": {
                    String sql = args != null && args.length > 0 && args[0] instanceof String
                            ? (String) args[0]
                            : preparedSql;
                    if (server.failStatements != null
                            && !sql.startsWith("select pg_is_in_recovery")
                            && !FakeServer.isGuard(sql)) {
                        throw server.failStatements;
                    }
                    if (server.failNext != null) {
                        SQLException failure = server.failNext;
                        server.failNext = null;
                        throw failure;
                    }
                    server.log.add(sql);
                    connectionLogs.getOrDefault(connection, new ArrayList<>()).add(sql);
                    last[0] = resultSet(server, (Statement) self[0], sql);
                    if (name.equals("executeQuery")) {
                        return last[0];
                    }
                    return name.equals("execute") ? Boolean.TRUE : defaultValue(method.getReturnType());
                }
                case "executeBatch":
                    server.log.add("batch " + preparedSql);
                    return new int[0];
                case "addBatch":
                    server.log.add("addBatch" + (args == null ? "" : " " + args[0]));
                    return null;
                case "getResultSet":
                case "getGeneratedKeys":
                    return last[0] != null ? last[0] : (last[0] = resultSet(server, (Statement) self[0], "keys"));
                case "getConnection":
                    return connection;
                case "isWrapperFor":
                    return false;
                case "toString":
                    return "FakeStatement";
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                default:
                    if (name.startsWith("set") && args != null && args.length >= 2) {
                        server.log.add("bind " + args[0] + "=" + args[1]);
                    }
                    return defaultValue(method.getReturnType());
            }
        });
        self[0] = statement;
        return statement;
    }

    private ResultSet resultSet(FakeServer server, Statement statement, String sql) {
        List<List<String>> data = server.rows.get(sql);
        if (data != null) {
            return table(data, statement, sql);
        }
        int[] row = {0};
        return proxy(ResultSet.class, (p, method, args) -> {
            switch (method.getName()) {
                case "next":
                    return row[0]++ == 0;
                case "getType":
                    return ResultSet.TYPE_FORWARD_ONLY;
                case "getMetaData":
                    return proxy(
                            java.sql.ResultSetMetaData.class,
                            (m, meta, none) -> meta.getName().equals("getColumnCount")
                                    ? (Object) 1
                                    : defaultValue(meta.getReturnType()));
                case "getBoolean":
                    return server.replica;
                case "getStatement":
                    return statement;
                case "getObject":
                    // A REF CURSOR column: the backend hands out one of its own result sets.
                    return args[0].equals(2) ? resultSet(server, statement, "cursor") : server.address.toString();
                case "getString":
                    return server.address.toString();
                case "getInt":
                    return server.address.port();
                case "isWrapperFor":
                    return false;
                case "toString":
                    return "FakeResultSet[" + sql + "]";
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                default:
                    return defaultValue(method.getReturnType());
            }
        });
    }

    /** A result set over fixed rows of text columns. */
    private ResultSet table(List<List<String>> data, Statement statement, String sql) {
        int[] row = {0};
        boolean[] closed = {false};
        int columns = data.isEmpty() ? 1 : data.get(0).size();
        java.sql.ResultSetMetaData meta = proxy(
                java.sql.ResultSetMetaData.class,
                (p, method, args) -> method.getName().equals("getColumnCount")
                        ? (Object) columns
                        : defaultValue(method.getReturnType()));
        return proxy(ResultSet.class, (p, method, args) -> {
            switch (method.getName()) {
                case "next":
                    return ++row[0] <= data.size();
                case "getString":
                    return data.get(row[0] - 1).get((Integer) args[0] - 1);
                case "getMetaData":
                    return meta;
                case "getType":
                    return ResultSet.TYPE_FORWARD_ONLY;
                case "getStatement":
                    return statement;
                case "close":
                    closed[0] = true;
                    return null;
                case "isClosed":
                    return closed[0];
                case "isWrapperFor":
                    return false;
                case "toString":
                    return "FakeTable[" + sql + "]";
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                default:
                    return defaultValue(method.getReturnType());
            }
        });
    }

    private DatabaseMetaData metaData(FakeServer server, Connection connection) {
        return proxy(DatabaseMetaData.class, (p, method, args) -> {
            if (method.getName().equals("getConnection")) {
                return connection;
            }
            if (method.getReturnType() == ResultSet.class) {
                return resultSet(server, null, method.getName());
            }
            if (method.getName().equals("isWrapperFor")) {
                return false;
            }
            if (method.getName().equals("hashCode")) {
                return System.identityHashCode(p);
            }
            return defaultValue(method.getReturnType());
        });
    }

    public static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == String.class) {
            return "";
        }
        if (type == int[].class) {
            return new int[0];
        }
        if (type == long[].class) {
            return new long[0];
        }
        return null;
    }
}
