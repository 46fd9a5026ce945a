package dev.junction.driver.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionDriver;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.HostAndPort;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JunctionUrlTest {
    private static SQLException failure(String url) {
        try {
            JunctionUrl.parse(url);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("parsed: " + url);
    }

    @Test
    void parsesHostsPortsDatabaseAndParameters() throws SQLException {
        JunctionUrl url =
                JunctionUrl.parse("jdbc:junction:postgresql://pg1:5433,pg2,pg3:6000/app?maxReplicaLag=500ms&ssl=true");
        assertThat(url.backend()).isEqualTo(Backend.POSTGRESQL);
        assertThat(url.hosts())
                .containsExactly(
                        new HostAndPort("pg1", 5433), new HostAndPort("pg2", 5432), new HostAndPort("pg3", 6000));
        assertThat(url.database()).isEqualTo("app");
        assertThat(url.parameters()).containsExactly(Map.entry("maxReplicaLag", "500ms"), Map.entry("ssl", "true"));
    }

    @Test
    void defaultsPortsPerBackendAndRunsMariadbOnMariadbConnectorJ() throws SQLException {
        assertThat(JunctionUrl.parse("jdbc:junction:mysql://db1,db2/shop").hosts())
                .extracting(HostAndPort::port)
                .containsOnly(3306);
        assertThat(JunctionUrl.parse("jdbc:junction:mysql://db1/shop").backend())
                .isEqualTo(Backend.MYSQL);
        JunctionUrl mariadb = JunctionUrl.parse("jdbc:junction:mariadb://db1/shop");
        assertThat(mariadb.backend()).isEqualTo(Backend.MARIADB);
        assertThat(mariadb.hosts()).extracting(HostAndPort::port).containsOnly(3306);
        assertThat(Backend.MARIADB.nodeUrl(mariadb.hosts().get(0), "shop")).isEqualTo("jdbc:mariadb://db1:3306/shop");
        assertThat(Backend.MARIADB.driverClassName()).isEqualTo("org.mariadb.jdbc.Driver");
        assertThat(Backend.MARIADB.artifact()).isEqualTo("org.mariadb.jdbc:mariadb-java-client");
    }

    @Test
    void readsBracketedIpv6WithAndWithoutPort() throws SQLException {
        JunctionUrl url = JunctionUrl.parse("jdbc:junction:postgresql://[::1]:5433,[fe80::2]/app");
        assertThat(url.hosts()).containsExactly(new HostAndPort("::1", 5433), new HostAndPort("fe80::2", 5432));
        assertThat(url.hosts().get(0).toString()).isEqualTo("[::1]:5433");
        assertThat(Backend.POSTGRESQL.nodeUrl(url.hosts().get(0), "app")).isEqualTo("jdbc:postgresql://[::1]:5433/app");
    }

    @Test
    void urlDecodesDatabaseAndParameters() throws SQLException {
        JunctionUrl url = JunctionUrl.parse("jdbc:junction:postgresql://h/my%20db?application%2Ename=a%26b&flag");
        assertThat(url.database()).isEqualTo("my db");
        assertThat(url.parameters()).containsEntry("application.name", "a&b").containsEntry("flag", "");
    }

    @Test
    void allowsAnEmptyDatabaseForTheBackendDefault() throws SQLException {
        assertThat(JunctionUrl.parse("jdbc:junction:postgresql://h1,h2").database())
                .isEmpty();
    }

    @Test
    void explainsWhatIsWrongWithAMalformedUrl() {
        List<String[]> cases = List.of(
                new String[] {"jdbc:junction:postgresql:h1/app", "\"://\" must follow the backend name"},
                new String[] {"jdbc:junction:postgresql:///app", "no host is given"},
                new String[] {"jdbc:junction:postgresql://h1,,h2/app", "an empty host between commas"},
                new String[] {
                    "jdbc:junction:postgresql://h1:99999/app",
                    "port \"99999\" of host h1 is not a number from 1 to 65535"
                },
                new String[] {"jdbc:junction:postgresql://h1:abc/app", "port \"abc\""},
                new String[] {"jdbc:junction:postgresql://::1:5432/app", "must be written in brackets"},
                new String[] {"jdbc:junction:postgresql://[::1/app", "lacks its closing \"]\""},
                new String[] {"jdbc:junction:postgresql://h1,h1/app", "host h1:5432 is listed twice"},
                new String[] {"jdbc:junction:postgresql://h1/app?x=%zz", "bad %-escape"},
                new String[] {"jdbc:junction:postgresql://u:pw@h1/app", "credentials before the hosts are not supported"
                });
        for (String[] c : cases) {
            SQLException e = failure(c[0]);
            assertThat(e.getMessage())
                    .as(c[0])
                    .startsWith("[JCT-91001] Malformed Junction URL")
                    .contains(c[1]);
            assertThat(e.getSQLState()).isEqualTo("22023");
        }
    }

    @Test
    void namesTheBackendsItKnowsForAnUnknownOne() {
        SQLException e = failure("jdbc:junction:oracle://h1/app");
        assertThat(e.getMessage()).contains("Unknown backend \"oracle\"").contains("postgresql, mysql or mariadb");
        assertThat(e.getSQLState()).isEqualTo("22023");
    }

    @Test
    void rejectsConnectorJReplicationAndLoadBalanceFormsNamingTheJunctionWay() {
        for (String form : new String[] {"replication", "loadbalance"}) {
            SQLException e = failure("jdbc:junction:mysql:" + form + "://h1,h2/app");
            assertThat(e.getMessage())
                    .contains("jdbc:mysql:" + form + "://")
                    .contains("use jdbc:junction:mysql://host1,host2");
        }
    }

    @Test
    void rejectsMariadbHighAvailabilityFormsNamingMariadbConnectorJ() {
        for (String form : new String[] {"replication", "loadbalance", "sequential"}) {
            SQLException e = failure("jdbc:junction:mariadb:" + form + "://h1,h2/app");
            assertThat(e.getMessage())
                    .contains("jdbc:mariadb:" + form + "://")
                    .contains("MariaDB Connector/J")
                    .contains("use jdbc:junction:mariadb://host1,host2");
        }
    }

    @Test
    void neverPrintsAPasswordFromTheUrl() {
        SQLException e = failure("jdbc:junction:postgresql://h1:0/app?user=bob&password=hunter2");
        assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=***");
        assertThat(CredentialMask.url("jdbc:x://a/b?sslpassword=s3&x=1")).isEqualTo("jdbc:x://a/b?sslpassword=***&x=1");
    }

    @Test
    void driverAcceptsExactlyTheJunctionPrefix() {
        JunctionDriver driver = new JunctionDriver();
        assertThat(driver.acceptsURL("jdbc:junction:postgresql://h/app")).isTrue();
        assertThat(driver.acceptsURL("jdbc:junction:nonsense")).isTrue();
        assertThat(driver.acceptsURL("jdbc:postgresql://h/app")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
    }

    @Test
    void driverThrowsForAMalformedJunctionUrlAndReturnsNullForOthers() throws SQLException {
        JunctionDriver driver = new JunctionDriver();
        assertThat(driver.connect("jdbc:postgresql://h/app", null)).isNull();
        assertThatThrownBy(() -> driver.connect("jdbc:junction:postgresql://", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no host is given");
    }
}
