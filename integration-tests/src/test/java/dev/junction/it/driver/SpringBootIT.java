package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.NodeStatus;
import dev.junction.it.driver.spring.NoteService;
import dev.junction.it.driver.spring.NotesApplication;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot application configured only by {@code spring.datasource.url}, {@code driver-class-name}, user and
 * password: Flyway migrates through Junction, a read-write {@code @Transactional} service writes on the primary, a
 * {@code @Transactional(readOnly = true)} one reads from a standby with both JPA and JdbcTemplate.
 */
class SpringBootIT {
    private static PostgresCluster cluster;
    private static ConfigurableApplicationContext context;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;

    @BeforeAll
    static void startClusterAndApplication() {
        cluster = PostgresCluster.builder().standbys(2).start();
        primaryPort = cluster.primary().port();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        context = new SpringApplicationBuilder(NotesApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.datasource.url=jdbc:junction:postgresql://" + cluster.hostList() + "/postgres",
                        "spring.datasource.driver-class-name=dev.junction.driver.JunctionDriver",
                        "spring.datasource.username=postgres",
                        "spring.datasource.password=",
                        "spring.main.banner-mode=off")
                .run();
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
    void flywayMigratedThroughJunctionOnThePrimary() {
        assertThat(cluster.primary().queryString("select port from migration_proof"))
                .isEqualTo(Integer.toString(primaryPort));
        assertThat(cluster.primary().queryString("select count(*) from flyway_schema_history where success"))
                .isEqualTo("1");
        assertThat(context.getBean(DataSource.class).getClass().getSimpleName()).isEqualTo("HikariDataSource");
    }

    @Test
    void connectionsFlywayUsedAreNotLeftPinned() throws SQLException {
        // Flyway takes and releases a session advisory lock and restores role and search_path with set_config:
        // a pooled connection must come back free to read from the standbys.
        try (Connection connection = context.getBean(DataSource.class).getConnection()) {
            assertThat(connection.unwrap(JunctionConnection.class).pins()).isEmpty();
        }
    }

    @Test
    void readWriteServiceWritesOnThePrimaryAndReadOnlyServiceReadsFromOneStandby() throws SQLException {
        NoteService service = context.getBean(NoteService.class);
        assertThat(service.write("spring")).isEqualTo(primaryPort);
        assertThat(cluster.primary().queryString("select count(*) from notes where text = 'spring'"))
                .isEqualTo("1");
        cluster.awaitReplication();
        // The standbys have replayed the write, as the servers report it; Junction sends a read there only once its
        // monitor has seen that too (a probe of the primary after the commit, then of the standby), which on a
        // loaded machine can take a few probe intervals. Until then reads go to the primary, by design: so the
        // property is "reaches a standby within a few seconds", and the reads in between must stay whole.
        List<Integer> seen = untilOnAStandby(() -> service.readOnlyPorts("spring"), ports -> ports.get(0));
        assertThat(seen.get(1))
                .as("the read-only transaction's second query stays on its node")
                .isEqualTo(seen.get(0));
        assertThat(seen.get(2)).as("rows the read-only transaction counted").isEqualTo(1);
        assertThat(untilOnAStandby(service::autocommitPort, port -> port)).isIn(standbyPorts);
        assertThat(context.getBean(JdbcTemplate.class)
                        .queryForObject("/* junction:primary */ select server_port()", Integer.class))
                .isEqualTo(primaryPort);
    }

    /** Runs {@code read} until the port it reports is a standby's, for at most ten seconds. */
    private <T> T untilOnAStandby(Supplier<T> read, Function<T, Integer> port) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T result = read.get();
        while (!standbyPorts.contains(port.apply(result)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            result = read.get();
        }
        assertThat(port.apply(result))
                .as("node of the last attempt; the monitor saw %s", topologyReport())
                .isIn(standbyPorts);
        return result;
    }

    private List<NodeStatus> topologyReport() throws SQLException {
        try (Connection connection = context.getBean(DataSource.class).getConnection()) {
            return connection.unwrap(JunctionConnection.class).topologyReport();
        }
    }
}
