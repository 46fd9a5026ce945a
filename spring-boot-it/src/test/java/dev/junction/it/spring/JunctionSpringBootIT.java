package dev.junction.it.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.spring.JunctionHikariExceptionOverride;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot web application (starters web, actuator, jdbc, and {@code junction-spring-boot}) against a PostgreSQL
 * primary and one standby, run once on Boot 3.5 and once on Boot 4.0 (modules {@code boot3} and {@code boot4}, one
 * source), configured with the Junction URL and no driver class. It proves over HTTP and through the pool what the
 * auto-configuration contributes: the {@code junction}
 * health component with both nodes and their roles, HikariCP's exception override (set, and keeping a connection
 * Hikari would otherwise evict), and {@code spring.datasource.junction.*} reaching the driver.
 */
class JunctionSpringBootIT {
    /** Given as the password (the test cluster trusts loopback): no response may show it. */
    private static final String PASSWORD = "not-to-be-shown-7Qx";

    private static PostgresCluster cluster;
    private static ConfigurableApplicationContext context;
    private static HttpClient http;
    private static URI base;
    private static PostgresNode standby;

    @BeforeAll
    static void startClusterAndApplication() {
        cluster = PostgresCluster.builder().standbys(1).start();
        standby = cluster.standbys().get(0);
        cluster.primary()
                .execute(
                        "create function server_port() returns int language sql stable as 'select inet_server_port()'",
                        "create table notes(id serial primary key, text text)");
        cluster.awaitReplication();
        context = new SpringApplicationBuilder(PortsApplication.class)
                .web(WebApplicationType.SERVLET)
                .properties(
                        "server.port=0",
                        "spring.main.banner-mode=off",
                        // The URL alone: no driver-class-name, which junction-spring-boot supplies.
                        "spring.datasource.url=jdbc:junction:postgresql://" + cluster.hostList() + "/postgres",
                        "spring.datasource.username=postgres",
                        "spring.datasource.password=" + PASSWORD,
                        // One connection, so that the test can tell whether the pool kept it.
                        "spring.datasource.hikari.maximum-pool-size=1",
                        "spring.datasource.junction.read-consistency=eventual",
                        "spring.datasource.junction.max-replica-lag=1h",
                        "spring.datasource.junction.stale-read-fallback=fail",
                        "management.endpoints.web.exposure.include=health,metrics",
                        "management.endpoint.health.show-details=always")
                .run();
        Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        assertThat(port).as("the web server's port").isNotNull().isPositive();
        base = URI.create("http://127.0.0.1:" + port);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void runsOnTheBootVersionOfItsModule() {
        assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("expectedBootVersion"));
    }

    @Test
    void healthShowsTheJunctionComponentWithBothNodesAndTheirRoles() throws Exception {
        String primaryNode = node(cluster.primary().address(), "primary");
        String standbyNode = node(standby.address(), "replica");
        // The first connection returns once the primary has answered; the standby's role may come a probe later.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> response = get("/actuator/health");
        while (!(response.body().contains(primaryNode) && response.body().contains(standbyNode))
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            response = get("/actuator/health");
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.body();
        // Boot 3.5 (Jackson 2) writes "status" first, Boot 4.0 (Jackson 3) sorts the keys: compare objects, not text.
        assertThat(without(body, "components")).as(body).contains("\"status\":\"UP\"");
        String junction = object(body, "junction");
        assertThat(without(junction, "details")).as(junction).contains("\"status\":\"UP\"");
        assertThat(object(junction, "details"))
                .contains("\"primary\":\"up\"", primaryNode, standbyNode, "\"stalenessBound\":", "\"position\":");
        assertThat(body).doesNotContain(PASSWORD);
    }

    /** The JSON object that is the value of the first {@code key} in {@code json}, braces balanced. */
    private static String object(String json, String key) {
        int start = json.indexOf("\"" + key + "\":{");
        assertThat(start).as("\"%s\" in %s", key, json).isNotNegative();
        int open = json.indexOf('{', start);
        int depth = 0;
        for (int i = open; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return json.substring(open, i + 1);
            }
        }
        throw new AssertionError("unbalanced JSON: " + json);
    }

    /** {@code json} without the object that is the value of {@code key}. */
    private static String without(String json, String key) {
        return json.replace(object(json, key), "{}");
    }

    @Test
    void metricsEndpointAnswers() throws Exception {
        HttpResponse<String> response = get("/actuator/metrics/hikaricp.connections.max");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"value\":1.0");
    }

    /** Junction's meters reach Boot's registry: writes counted on the primary, by reason. */
    @Test
    void junctionStatementsShowTheRoutes() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
        jdbc.execute("create table if not exists metered(id int)");
        double before = count("/actuator/metrics/junction.statements?tag=target:primary&tag=reason:WRITE");
        for (int i = 0; i < 3; i++) {
            jdbc.update("insert into metered values (?)", i);
        }
        assertThat(count("/actuator/metrics/junction.statements?tag=target:primary&tag=reason:WRITE"))
                .isEqualTo(before + 3);
        HttpResponse<String> all = get("/actuator/metrics/junction.statements");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(all.body()).contains("\"target\"", "\"reason\"", "primary");
    }

    /** The {@code COUNT} statistic of a metrics endpoint answer. */
    private static double count(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        java.util.regex.Matcher value = java.util.regex.Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)")
                .matcher(response.body());
        assertThat(value.find()).as(response.body()).isTrue();
        return Double.parseDouble(value.group(1));
    }

    @Test
    void hikariPoolHasJunctionsExceptionOverride() {
        HikariDataSource dataSource = context.getBean(HikariDataSource.class);
        assertThat(dataSource.getExceptionOverrideClassName())
                .isEqualTo(JunctionHikariExceptionOverride.class.getName());
        assertThat(dataSource.getDataSourceProperties())
                .containsEntry("readConsistency", "eventual")
                .containsEntry("maxReplicaLag", "1h")
                .containsEntry("staleReadFallback", "fail");
    }

    /**
     * readConsistency=eventual reaches the driver: with the standby's replay paused, a read right after a write goes to
     * the standby (the default, global, would wait for the standby to replay the write, then read on the primary).
     * staleReadFallback=fail does too: once the standby is further behind than a read's lag budget allows, the read
     * fails with 08004 (the default would read on the primary). And the pool keeps its one connection after that
     * 08004, which Hikari alone evicts as broken.
     */
    @Test
    void junctionPropertiesReachTheDriverAndThePoolKeepsTheConnectionAfterNoFreshReplica() throws Exception {
        DataSource dataSource = context.getBean(DataSource.class);
        standby.pauseReplay();
        try {
            JunctionConnection before;
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                before = connection.unwrap(JunctionConnection.class);
                statement.executeUpdate("insert into notes(text) values ('eventual')");
                assertThat(port(statement, "select server_port()"))
                        .as("an eventual read right after a write; the monitor saw %s", before.topologyReport())
                        .isEqualTo(standby.port());
                SQLException refused =
                        untilRefused(statement, "/* junction:maxReplicaLag=100ms */ select server_port()");
                assertThat(refused.getSQLState()).as(refused.toString()).isEqualTo("08004");
                assertThat(refused.getErrorCode()).isEqualTo(JunctionErrorCode.NO_FRESH_REPLICA.vendorCode());
                assertThat(refused.getMessage()).contains("staleReadFallback=fail");
            }
            try (Connection connection = dataSource.getConnection()) {
                assertThat(connection.unwrap(JunctionConnection.class))
                        .as("the pool's one connection, kept after the 08004")
                        .isSameAs(before);
            }
        } finally {
            standby.resumeReplay();
        }
    }

    /**
     * Runs {@code sql} until it fails, for at most ten seconds: the standby's staleness bound grows past the hint's
     * budget as the monitor probes the primary ahead of it. Until then the read is served by the standby.
     */
    private static SQLException untilRefused(Statement statement, String sql) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                assertThat(port(statement, sql)).isEqualTo(standby.port());
            } catch (SQLException e) {
                return e;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("\"" + sql + "\" was still served after ten seconds of paused replay");
    }

    private static int port(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static String node(String address, String role) {
        return "{\"address\":\"" + address + "\",\"role\":\"" + role + "\",\"status\":\"UP\"";
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
