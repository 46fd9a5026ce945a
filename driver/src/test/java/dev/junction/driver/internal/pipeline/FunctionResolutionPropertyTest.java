package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.FunctionCatalog;
import dev.junction.router.FunctionCatalog.Volatility;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Function resolution against a model of the server's: random schemas holding same-named functions that read or
 * write, random sequences of search-path changes ({@code SET search_path}, {@code setSchema}, {@code RESET}) and calls
 * (qualified or not), on one logical connection that keeps its classifier's cache across all of them. The catalog
 * answers as {@link dev.junction.driver.internal.topology.JdbcFunctionCatalog} does on the server (by name over every
 * schema; a qualified name in its schema); the model resolves each call as PostgreSQL would, by the session's current
 * search path. Property: a call whose resolved function writes never runs on a replica, whatever the session did
 * before.
 */
class FunctionResolutionPropertyTest {
    private static final List<String> SCHEMAS = List.of("public", "app", "audit");
    private static final List<String> NAMES = List.of("f", "g", "h");

    /** One step of a session: a search-path change or a call. */
    record Step(String searchPath, boolean viaSetSchema, boolean reset, String schema, String function) {
        boolean isCall() {
            return function != null;
        }
    }

    @Property(tries = 300)
    void aCallThatResolvesToAWritingFunctionNeverRunsOnAReplica(
            @ForAll("definitions") Map<String, Boolean> writes, @ForAll("sessions") List<Step> steps)
            throws SQLException {
        FakeCluster cluster = new FakeCluster("replica", "primary", "replica");
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        FunctionCatalog catalog = name -> answer(writes, name);
        RoutingConnection connection =
                cluster.connect(settings, topology, RouterStatementRouting.create(Backend.POSTGRESQL, catalog));
        List<String> searchPath = List.of("public");
        for (Step step : steps) {
            if (!step.isCall()) {
                if (step.reset()) {
                    run(connection, "reset search_path");
                    searchPath = List.of("public");
                } else if (step.viaSetSchema()) {
                    connection.setSchema(step.searchPath());
                    searchPath = List.of(step.searchPath());
                } else {
                    run(connection, "set search_path = " + step.searchPath());
                    searchPath = List.of(step.searchPath().split(", "));
                }
                continue;
            }
            String call = "select " + (step.schema() == null ? "" : step.schema() + ".") + step.function() + "(1)";
            run(connection, call);
            String resolved = resolve(writes, searchPath, step.schema(), step.function());
            boolean onReplica = !connection.lastNode().endsWith("primary");
            if (resolved != null && writes.get(resolved)) {
                assertThat(onReplica)
                        .as(
                                "%s with search_path %s resolves to the writing %s but ran on %s",
                                call, searchPath, resolved, connection.lastNode())
                        .isFalse();
            }
        }
    }

    /**
     * The server's answer to {@link dev.junction.driver.internal.topology.JdbcFunctionCatalog}'s question for
     * {@code name} as written.
     */
    private static Volatility answer(Map<String, Boolean> writes, String name) {
        int dot = name.lastIndexOf('.');
        boolean found = false;
        boolean anyWrites = false;
        for (Map.Entry<String, Boolean> function : writes.entrySet()) {
            boolean matches = dot < 0
                    ? function.getKey().endsWith("." + name)
                    : function.getKey().equals(name);
            if (matches) {
                found = true;
                anyWrites |= function.getValue();
            }
        }
        return !found ? Volatility.UNKNOWN : anyWrites ? Volatility.MAY_WRITE : Volatility.READ_ONLY;
    }

    /** The function PostgreSQL calls: the qualified one, else the first on the search path; null if none exists. */
    private static String resolve(
            Map<String, Boolean> writes, List<String> searchPath, String schema, String function) {
        if (schema != null) {
            return writes.containsKey(schema + "." + function) ? schema + "." + function : null;
        }
        for (String s : searchPath) {
            if (writes.containsKey(s + "." + function)) {
                return s + "." + function;
            }
        }
        return null;
    }

    private static void run(RoutingConnection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Provide
    Arbitrary<Map<String, Boolean>> definitions() {
        List<String> qualified = new ArrayList<>();
        for (String schema : SCHEMAS) {
            for (String name : NAMES) {
                qualified.add(schema + "." + name);
            }
        }
        return Arbitraries.of(qualified)
                .set()
                .ofMinSize(1)
                .ofMaxSize(qualified.size())
                .flatMap(defined -> Arbitraries.of(true, false)
                        .list()
                        .ofSize(defined.size())
                        .map(flags -> {
                            Map<String, Boolean> writes = new LinkedHashMap<>();
                            int i = 0;
                            for (String function : defined) {
                                writes.put(function, flags.get(i++));
                            }
                            return writes;
                        }));
    }

    @Provide
    Arbitrary<List<Step>> sessions() {
        Arbitrary<String> path = Arbitraries.of(SCHEMAS)
                .list()
                .uniqueElements()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(schemas -> String.join(", ", schemas));
        Arbitrary<Step> change = Combinators.combine(
                        path,
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 5))
                .as((p, viaSetSchema, r) ->
                        new Step(viaSetSchema ? p.split(", ")[0] : p, viaSetSchema, r == 0, null, null));
        Arbitrary<Step> call = Combinators.combine(Arbitraries.of(SCHEMAS).injectNull(0.6), Arbitraries.of(NAMES))
                .as((schema, name) -> new Step(null, false, false, schema, name));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, change), net.jqwik.api.Tuple.of(3, call))
                .list()
                .ofMinSize(1)
                .ofMaxSize(25);
    }
}
