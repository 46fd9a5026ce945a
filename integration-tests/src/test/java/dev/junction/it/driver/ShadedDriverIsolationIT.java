package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published driver jar in an application that carries its own, old and incompatible, Jackson and Guava: a class
 * loader that sees only the jar, PgJDBC and those old libraries (Guava 19, Jackson 2.9, copied by the build
 * into {@code target/conflicting-jars}) classifies and routes statements correctly against a real primary and
 * standby. Calcite, Guava and Caffeine inside the jar are relocated, so the application's versions are the only ones
 * it sees under their own names, and the jar brings no unrelocated Calcite at all.
 */
class ShadedDriverIsolationIT {
    private static final Path CONFLICTING_JARS = Path.of("target", "conflicting-jars");

    private static PostgresCluster cluster;
    private static String url;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(1).start();
        url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?readConsistency=eventual";
        primaryPort = cluster.primary().port();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        cluster.primary()
                .execute(
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create table items(id int primary key, note text)",
                        "insert into items values (1, 'one')");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theDriverJarIsTheShadedOneAndCarriesNoForeignPackage() throws Exception {
        Path jar = jarOf(JunctionDriver.class);
        assertThat(jar.getFileName().toString()).endsWith(".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> classes = file.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.endsWith(".class"))
                    .toList();
            assertThat(classes).anyMatch(n -> n.startsWith("dev/junction/shaded/calcite/sql/parser/"));
            assertThat(classes)
                    .as("every class of the jar is Junction's or relocated under dev/junction/")
                    .allMatch(n -> n.startsWith("dev/junction/"));
        }
    }

    @Test
    void classifiesAndRoutesNextToOldJacksonAndGuava() throws Exception {
        List<URL> urls = new ArrayList<>();
        // The application's libraries first, as a class path would list them before a driver added last.
        try (Stream<Path> jars = Files.list(CONFLICTING_JARS)) {
            for (Path jar : jars.sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        assertThat(urls).as("old Guava and Jackson copied by the build").hasSize(4);
        urls.add(jarOf(JunctionDriver.class).toUri().toURL());
        urls.add(jarOf(org.postgresql.Driver.class).toUri().toURL());
        try (URLClassLoader application =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(jarOf(application.loadClass("com.google.common.collect.ImmutableList"))
                            .toString())
                    .contains("guava-19.0");
            assertThat(jarOf(application.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                            .toString())
                    .contains("jackson-databind-2.9.10");
            assertThatThrownBy(() -> application.loadClass("org.apache.calcite.sql.SqlNode"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> application.loadClass("com.github.benmanes.caffeine.cache.Caffeine"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> application.loadClass("org.slf4j.LoggerFactory"))
                    .as("the driver needs no SLF4J of the application's")
                    .isInstanceOf(ClassNotFoundException.class);

            Driver driver = (Driver) application
                    .loadClass(JunctionDriver.class.getName())
                    .getConstructor()
                    .newInstance();
            assertThat(driver.getClass().getClassLoader()).isSameAs(application);
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            PrintStream standardError = System.err;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try (Connection connection = driver.connect(url, properties)) {
                routesEachKindWhereItBelongs(connection);
            } finally {
                System.setErr(standardError);
            }
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .as("Calcite's SLF4J logging stays inside the jar: no 'no providers' warning")
                    .doesNotContain("SLF4J");
        }
    }

    /**
     * A MariaDB application that carries MariaDB Connector/J and not MySQL Connector/J, whose session state reports
     * Junction reads where it can ({@code ConnectorJSessionTracking}): its {@code semi-sync} commits are confirmed by
     * the replica as ever (the position asked after each commit), and nothing of Connector/J's is looked for.
     */
    @Test
    void aMariaDbSyncWaitNeedsNoMySqlConnectorJ() throws Exception {
        try (MariaDbCluster mariaDb =
                MariaDbCluster.primaryReplica().replicas(1).start()) {
            mariaDb.primary().execute("create table " + MariaDbNode.DATABASE + ".sync_rows(id int primary key)");
            mariaDb.awaitReplication();
            List<URL> urls = List.of(
                    jarOf(JunctionDriver.class).toUri().toURL(),
                    jarOf(org.mariadb.jdbc.Driver.class).toUri().toURL());
            try (URLClassLoader application =
                    new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                assertThatThrownBy(() -> application.loadClass("com.mysql.cj.jdbc.JdbcConnection"))
                        .isInstanceOf(ClassNotFoundException.class);
                Driver driver = (Driver) application
                        .loadClass(JunctionDriver.class.getName())
                        .getConstructor()
                        .newInstance();
                Properties user = new Properties();
                user.setProperty("user", MariaDbNode.APPLICATION_USER);
                user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
                String semiSync = "jdbc:junction:mariadb://" + mariaDb.hostList() + "/" + MariaDbNode.DATABASE
                        + "?syncMode=semi-sync&syncTimeout=5s";
                try (Connection connection = driver.connect(semiSync, user);
                        Connection replica = mariaDb.replicas().get(0).connectAsApplicationUser();
                        Statement statement = connection.createStatement();
                        Statement onReplica = replica.createStatement()) {
                    for (int id = 1; id <= 3; id++) {
                        statement.executeUpdate("insert into sync_rows(id) values (" + id + ")");
                        try (ResultSet row =
                                onReplica.executeQuery("select count(*) from sync_rows where id = " + id)) {
                            row.next();
                            assertThat(row.getInt(1))
                                    .as("row %d on the replica at return", id)
                                    .isEqualTo(1);
                        }
                    }
                }
            }
        }
    }

    /** Statements that Calcite parses (a join, a CTE, a window) and ones it leaves to the fallback rules. */
    private static void routesEachKindWhereItBelongs(Connection connection) throws SQLException {
        awaitAStandbyRead(connection);
        assertThat(port(connection, "select server_port() from items i join items j on i.id = j.id where i.id = 1"))
                .as("a join reads on the standby")
                .isIn(standbyPorts);
        assertThat(port(connection, "with x as (select id from items) select server_port() from x limit 1"))
                .as("a CTE that only reads, on the standby")
                .isIn(standbyPorts);
        assertThat(port(connection, "select server_port(), row_number() over (order by id) from items limit 1"))
                .as("a window function, on the standby")
                .isIn(standbyPorts);
        assertThat(port(connection, "insert into items values (2, 'two') returning inet_server_port()"))
                .as("an insert, on the primary")
                .isEqualTo(primaryPort);
        assertThat(port(connection, "select server_port() from items where id = 1 for update"))
                .as("a locking read, on the primary")
                .isEqualTo(primaryPort);
        assertThat(port(connection, "with d as (delete from items where id = 2 returning id) select server_port()"))
                .as("a CTE that deletes, on the primary")
                .isEqualTo(primaryPort);
        assertThat(port(connection, "select inet_server_port() from items where id = 1"))
                .as("a function whose answer depends on the node, on the primary")
                .isEqualTo(primaryPort);
    }

    /** The monitor needs a probe or two before it trusts the standby's lag; a read reaches it within seconds. */
    private static void awaitAStandbyRead(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!standbyPorts.contains(port(connection, "select server_port()"))) {
            assertThat(System.nanoTime())
                    .as("a read reached the standby within 10 s")
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static int port(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    private static Path jarOf(Class<?> type) throws IOException, URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
