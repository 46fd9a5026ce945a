package dev.junction.it.driver;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.it.driver.spring.NoteService;
import dev.junction.it.driver.spring.NotesApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(cluster.primary().queryString("select port from migration_proof")).isEqualTo(Integer.toString(primaryPort));
        assertThat(cluster.primary().queryString("select count(*) from flyway_schema_history where success")).isEqualTo("1");
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
    void readWriteServiceWritesOnThePrimaryAndReadOnlyServiceReadsFromOneStandby() {
        NoteService service = context.getBean(NoteService.class);
        assertThat(service.write("spring")).isEqualTo(primaryPort);
        assertThat(cluster.primary().queryString("select count(*) from notes where text = 'spring'")).isEqualTo("1");
        // No monitor yet: wait until the standbys have replayed the primary's position, as the servers report it.
        cluster.awaitReplication();
        List<Integer> seen = service.readOnlyPorts("spring");
        assertThat(seen.get(0)).isEqualTo(seen.get(1)).isIn(standbyPorts);
        assertThat(seen.get(2)).as("rows the read-only transaction counted").isEqualTo(1);
        assertThat(service.autocommitPort()).isIn(standbyPorts);
        assertThat(context.getBean(JdbcTemplate.class).queryForObject("/* junction:primary */ select server_port()", Integer.class))
                .isEqualTo(primaryPort);
    }
}
