package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The freshness question of a read-your-writes read rides inside the transaction it guards (issue 13): a read-only
 * transaction (Spring's {@code @Transactional(readOnly = true)}) that reads right after the application's own writes,
 * when no standby is yet known to have them, asks the closest standby how far it has replayed; with auto-commit off
 * that question is the transaction's first statement, and when the read then runs on that standby it runs in the same
 * transaction: no {@code BEGIN; <question>; ROLLBACK} before the real one. Shown on a PostgreSQL primary with two
 * standbys through PgJDBC wrapped in a recording driver (every statement and rollback per physical connection).
 */
class QuestionInsideTransactionIT {
    private static final String QUESTION = "select pg_is_in_recovery(), case when pg_is_in_recovery()";

    private static PostgresCluster cluster;
    private static String url;
    private static Set<Integer> standbyPorts;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        List<String> seeds = new ArrayList<>();
        cluster.standbys().forEach(n -> seeds.add(n.address()));
        seeds.add(cluster.primary().address());
        url = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        cluster.primary().execute("create table notes(id serial primary key, body text)");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A physical connection's calls, in order: statements as their text, rollbacks and commits by name. */
    private static final class Recorded {
        final int port;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        Recorded(int port) {
            this.port = port;
        }
    }

    /** PgJDBC, with every connection's statements and transaction ends recorded. */
    private static final class RecordingDriver implements Driver {
        private final Driver postgres = new org.postgresql.Driver();
        final List<Recorded> connections = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Connection connect(String target, Properties info) throws SQLException {
            Connection real = postgres.connect(target, info);
            if (real == null) {
                return null;
            }
            String hostPort =
                    target.substring("jdbc:postgresql://".length(), target.indexOf('/', "jdbc:postgresql://".length()));
            Recorded recorded = new Recorded(Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
            connections.add(recorded);
            return (Connection) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, recording(real, recorded));
        }

        private static InvocationHandler recording(Connection real, Recorded recorded) {
            return (proxy, method, args) -> {
                String name = method.getName();
                if (name.equals("rollback") && args == null || name.equals("commit")) {
                    recorded.calls.add(name);
                }
                Object result = invoke(method, real, args);
                if (name.equals("createStatement") && result instanceof Statement statement) {
                    return Proxy.newProxyInstance(
                            RecordingDriver.class.getClassLoader(), new Class<?>[] {Statement.class}, (p, m, a) -> {
                                if (a != null
                                        && a.length > 0
                                        && a[0] instanceof String sql
                                        && m.getName().startsWith("execute")) {
                                    recorded.calls.add(sql);
                                }
                                return invoke(m, statement, a);
                            });
                }
                if (name.equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                    recorded.calls.add("prepare " + sql);
                }
                return result;
            };
        }

        private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public boolean acceptsURL(String target) throws SQLException {
            return postgres.acceptsURL(target);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String target, Properties info) throws SQLException {
            return postgres.getPropertyInfo(target, info);
        }

        @Override
        public int getMajorVersion() {
            return postgres.getMajorVersion();
        }

        @Override
        public int getMinorVersion() {
            return postgres.getMinorVersion();
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

    @Test
    void aReadOnlyTransactionAfterTheApplicationsWritesAsksItsStandbyInsideItself() throws Exception {
        RecordingDriver driver = new RecordingDriver();
        JunctionDataSource source = new JunctionDataSource();
        source.setUrl(url);
        source.setUser("postgres");
        source.setBackendDriver(driver);
        source.setStaleReadFallback("wait"); // wait for a standby rather than read on the primary at once
        int onStandby = 0;
        try (Connection connection = source.getConnection()) {
            for (int i = 0; i < 40; i++) {
                try (Statement write = connection.createStatement()) {
                    write.executeUpdate("insert into notes(body) values ('n" + i + "')");
                }
                connection.setReadOnly(true);
                connection.setAutoCommit(false);
                try (Statement read = connection.createStatement();
                        ResultSet rows = read.executeQuery("select count(*) from notes")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).as("read-your-writes").isEqualTo(i + 1);
                }
                connection.commit();
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
            }
        }
        int questionsKept = 0;
        for (Recorded recorded : driver.connections) {
            if (!standbyPorts.contains(recorded.port)) {
                continue;
            }
            List<String> calls = new ArrayList<>(recorded.calls);
            for (int i = 0; i + 1 < calls.size(); i++) {
                if (!calls.get(i).startsWith(QUESTION)) {
                    continue;
                }
                String next = calls.get(i + 1);
                if (next.equals("select count(*) from notes")) {
                    questionsKept++;
                }
                if (next.equals("rollback") && i + 2 < calls.size()) {
                    assertThat(calls.get(i + 2))
                            .as(
                                    "a question rolled back only when the read went elsewhere: %s",
                                    calls.subList(Math.max(0, i - 3), Math.min(calls.size(), i + 4)))
                            .isNotEqualTo("select count(*) from notes");
                }
            }
            onStandby += (int)
                    calls.stream().filter("select count(*) from notes"::equals).count();
        }
        assertThat(onStandby).as("reads served by a standby").isPositive();
        assertThat(questionsKept)
                .as("questions that were the first statement of the read's transaction")
                .isPositive();
    }
}
