package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.pipeline.FakeCluster;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No wrapper method hands out a backend object: every public method of every wrapper that returns a JDBC handle
 * type, or {@code Object} (a REF CURSOR is a result set), is invoked over fake backends, and whatever it returns is
 * null, not a handle, or one of Junction's own classes. {@code unwrap} is the one method meant to reach the backend.
 */
class WrapperLeakTest {
    private static final Set<Class<?>> HANDLES = Set.of(
            Connection.class,
            Statement.class,
            PreparedStatement.class,
            CallableStatement.class,
            ResultSet.class,
            DatabaseMetaData.class);

    private FakeCluster cluster;
    private RoutingConnection connection;

    @BeforeEach
    void connect() throws SQLException {
        cluster = new FakeCluster("primary", "replica");
        connection = cluster.connect("");
    }

    @Test
    void noWrapperMethodReturnsABackendHandle() throws Exception {
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1");
        PreparedStatement prepared = connection.prepareStatement("select ?");
        prepared.setInt(1, 1);
        prepared.executeQuery();
        CallableStatement callable = connection.prepareCall("{call p(?)}");
        callable.registerOutParameter(1, java.sql.Types.OTHER);
        callable.execute();
        DatabaseMetaData metaData = connection.getMetaData();

        List<String> checked = new ArrayList<>();
        for (Object wrapper : new Object[] {connection, statement, rows, prepared, callable, metaData}) {
            for (Method method : wrapper.getClass().getMethods()) {
                if (!returnsPossibleHandle(method)
                        || method.getName().equals("unwrap")
                        || Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                Object result = invoke(wrapper, method);
                checked.add(wrapper.getClass().getSimpleName() + "." + method.getName());
                if (result != null && HANDLES.stream().anyMatch(h -> h.isInstance(result))) {
                    assertThat(result.getClass().getName())
                            .as("%s.%s returned %s", wrapper.getClass().getSimpleName(), method.getName(), result)
                            .startsWith("dev.junction.");
                }
            }
        }
        assertThat(checked)
                .contains(
                        "RoutingConnection.createStatement",
                        "JunctionStatement.getConnection",
                        "JunctionResultSet.getStatement",
                        "JunctionResultSet.getObject",
                        "JunctionStatement.getGeneratedKeys",
                        "JunctionDatabaseMetaData.getConnection",
                        "JunctionDatabaseMetaData.getTables",
                        "JunctionCallableStatement.getObject");
        assertThat(cluster.physicalObjects).isNotEmpty();
    }

    private static boolean returnsPossibleHandle(Method method) {
        Class<?> type = method.getReturnType();
        return type == Object.class || HANDLES.contains(type) || method.getTypeParameters().length > 0;
    }

    private static Object invoke(Object target, Method method) throws IllegalAccessException {
        Object[] arguments = new Object[method.getParameterCount()];
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            arguments[i] = argument(types[i], i);
        }
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException || e.getCause() instanceof ClassCastException) {
                return null;
            }
            throw new AssertionError(method + " threw " + e.getCause(), e.getCause());
        }
    }

    private static Object argument(Class<?> type, int position) {
        if (type == int.class) {
            // column 2 of the fake result set is a REF CURSOR
            return position == 0 ? 2 : 1003;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == String.class) {
            return "x";
        }
        if (type == Class.class) {
            return Object.class;
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type == Calendar.class) {
            return Calendar.getInstance();
        }
        if (type == String[].class) {
            return new String[0];
        }
        if (type == int[].class) {
            return new int[0];
        }
        return null;
    }
}
