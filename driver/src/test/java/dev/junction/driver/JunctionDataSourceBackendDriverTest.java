package dev.junction.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class JunctionDataSourceBackendDriverTest {

    /** Answers the role probe: the host named {@code replica-...} is in recovery, the other is the primary. */
    private static final class RecordingDriver implements Driver {
        final List<String> urls = Collections.synchronizedList(new ArrayList<>());
        final List<String> users = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Connection connect(String url, Properties info) {
            urls.add(url);
            users.add(info.getProperty("user"));
            boolean replica = url.contains("//replica-");
            return proxy(Connection.class, (p, method, args) -> switch (method.getName()) {
                case "createStatement" ->
                    proxy(Statement.class, (s, m, a) -> switch (m.getName()) {
                        case "executeQuery" -> oneBoolean(replica);
                        default -> null;
                    });
                case "getAutoCommit", "isValid" -> true;
                case "isClosed", "isReadOnly" -> false;
                default -> null;
            });
        }

        private static ResultSet oneBoolean(boolean value) {
            boolean[] read = {false};
            return proxy(ResultSet.class, (p, method, args) -> switch (method.getName()) {
                case "next" -> {
                    boolean first = !read[0];
                    read[0] = true;
                    yield first;
                }
                case "getBoolean" -> value;
                case "isClosed", "wasNull" -> false;
                default -> null;
            });
        }

        private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
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

    @Test
    void opensPhysicalConnectionsWithTheBackendDriverGivenInsteadOfLoadingOne() throws Exception {
        RecordingDriver backend = new RecordingDriver();
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl("jdbc:junction:postgresql://primary-bd:5432,replica-bd:5432/app");
        dataSource.setUser("app");
        dataSource.setBackendDriver(backend);

        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.isClosed()).isFalse();
        }

        assertThat(dataSource.getBackendDriver()).isSameAs(backend);
        assertThat(backend.urls)
                .contains("jdbc:postgresql://primary-bd:5432/app", "jdbc:postgresql://replica-bd:5432/app");
        assertThat(backend.users).containsOnly("app");
    }
}
