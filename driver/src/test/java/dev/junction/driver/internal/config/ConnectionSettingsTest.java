package dev.junction.driver.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.ConflictPolicy;
import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.SyncMode;
import dev.junction.router.LoadBalance;
import dev.junction.router.ReadConsistency;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {
    private static ConnectionSettings settings(String url, Properties info) throws SQLException {
        return ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of());
    }

    @Test
    void parsesDurationsWithTheirUnits() throws SQLException {
        assertThat(JunctionProperty.MAX_REPLICA_LAG.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(JunctionProperty.MAX_REPLICA_LAG.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(JunctionProperty.FAILOVER_TIMEOUT.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(JunctionProperty.FAILOVER_TIMEOUT.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void explainsAnInvalidValueWithWhatWasExpected() {
        assertThatThrownBy(() -> JunctionProperty.MAX_REPLICA_LAG.parse("2x"))
                .hasMessage(
                        "[JCT-91003] Invalid value \"2x\" for property \"maxReplicaLag\": expected a duration such as 500ms or 2s.")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        assertThatThrownBy(() -> JunctionProperty.MAX_REPLICA_LAG.parse("500"))
                .hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> JunctionProperty.LOAD_BALANCE.parse("roundrobin"))
                .hasMessageContaining("expected one of round-robin, random, least-lag, least-busy, fastest");
        assertThatThrownBy(() -> JunctionProperty.SYNC_MODE.parse("quorum:0"))
                .hasMessageContaining("quorum:N with N at least 1");
        assertThatThrownBy(() -> JunctionProperty.CONFLICT_TABLES.parse("orders:newest"))
                .hasMessageContaining("policies lww, version-vector, counter");
    }

    @Test
    void rejectsAMonitorIntervalBelowTheMinimumNamingValueAndMinimum() throws SQLException {
        for (String tooShort : new String[] {"0ms", "9ms", "0s", "0m"}) {
            assertThatThrownBy(() -> settings("jdbc:junction:postgresql://h1/app?monitorInterval=" + tooShort, null))
                    .as(tooShort)
                    .hasMessage("[JCT-91003] Invalid value \"" + tooShort + "\" for property \"monitorInterval\": "
                            + "expected a duration of at least 10ms such as 500ms or 2s.")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        }
        assertThatThrownBy(() -> JunctionProperty.MONITOR_INTERVAL.parse("1ns")).hasMessageContaining("at least 10ms");
        assertThatThrownBy(() -> new JunctionDataSource().setMonitorInterval("0ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Invalid value \"0ms\" for property \"monitorInterval\": expected a duration of at least 10ms");
        assertThat(JunctionProperty.MONITOR_INTERVAL.parse("10ms")).isEqualTo(Duration.ofMillis(10));
        assertThat(JunctionProperty.MONITOR_INTERVAL.valuesText()).contains("at least `10ms`");
        // other durations keep zero: maxReplicaLag=0ms means "only replicas that have everything"
        assertThat(JunctionProperty.MAX_REPLICA_LAG.parse("0ms")).isEqualTo(Duration.ZERO);
    }

    @Test
    void parsesTheLearnedWriteShareAsADecimalAboveZeroAndAtMostOne() throws SQLException {
        assertThat(JunctionProperties.defaults().get(JunctionProperty.LEARNED_WRITE_SHARE))
                .isEqualTo(0.1);
        assertThat(JunctionProperty.LEARNED_WRITE_SHARE.parse("0.3")).isEqualTo(0.3);
        assertThat(JunctionProperty.LEARNED_WRITE_SHARE.parse(".25")).isEqualTo(0.25);
        assertThat(JunctionProperty.LEARNED_WRITE_SHARE.parse("1")).isEqualTo(1.0);
        assertThat(JunctionProperty.LEARNED_WRITE_SHARE.parse(" 0.05 ")).isEqualTo(0.05);
        assertThat(settings("jdbc:junction:postgresql://h1/app?learnedWriteShare=0.3", null)
                        .properties()
                        .get(JunctionProperty.LEARNED_WRITE_SHARE))
                .isEqualTo(0.3);
    }

    @Test
    void rejectsALearnedWriteShareThatIsNotAShareNamingTheValue() {
        for (String invalid : new String[] {
            "0", "0.0", "-0.1", "1.5", "2", "NaN", "Infinity", "1e-1", "0x1p-3", "1d", "10%", "", "abc"
        }) {
            Properties info = new Properties();
            info.setProperty("learnedWriteShare", invalid);
            assertThatThrownBy(() -> settings("jdbc:junction:postgresql://h1/app", info))
                    .as(invalid)
                    .isInstanceOf(SQLException.class)
                    .hasMessage("[JCT-91003] Invalid value \"" + invalid + "\" for property \"learnedWriteShare\": "
                            + "expected a number greater than 0 and at most 1 such as 0.1 or 0.25.")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"))
                    .satisfies(
                            e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(91003));
        }
    }

    @Test
    void theDataSourceValidatesTheLearnedWriteShareAtOnceAndHasAGetter() {
        JunctionDataSource dataSource = new JunctionDataSource();
        assertThatThrownBy(() -> dataSource.setLearnedWriteShare("NaN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value \"NaN\" for property \"learnedWriteShare\"");
        assertThat(dataSource.getLearnedWriteShare()).isNull();
        dataSource.setLearnedWriteShare("0.3");
        assertThat(dataSource.getLearnedWriteShare()).isEqualTo("0.3");
    }

    @Test
    void parsesEnumsSyncModesAndConflictTables() throws SQLException {
        assertThat(JunctionProperty.READ_CONSISTENCY.parse("session")).isEqualTo(ReadConsistency.SESSION);
        assertThat(JunctionProperty.SYNC_MODE.parse("quorum:2")).isEqualTo(SyncMode.quorum(2));
        assertThat(JunctionProperty.SYNC_MODE.parse("semi-sync")).isEqualTo(SyncMode.SEMI_SYNC);
        assertThat(JunctionProperty.SYNC_MODE.parse("majority")).isEqualTo(SyncMode.MAJORITY);
        assertThat(JunctionProperty.CONFLICT_TABLES.parse("orders,likes:counter, app.carts:version-vector"))
                .containsExactly(
                        new ConflictTable("orders", ConflictPolicy.LWW),
                        new ConflictTable("likes", ConflictPolicy.COUNTER),
                        new ConflictTable("app.carts", ConflictPolicy.VERSION_VECTOR));
        assertThatThrownBy(() -> JunctionProperty.CONFLICT_TABLES.parse("a,A")).hasMessageContaining("conflictTables");
    }

    @Test
    void everyDefaultFormatsToTextThatParsesBackToIt() throws SQLException {
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            assertRoundTrip(property);
        }
    }

    private static <T> void assertRoundTrip(JunctionProperty<T> property) throws SQLException {
        assertThat(property.parse(property.format(property.defaultValue())))
                .as(property.name())
                .isEqualTo(property.defaultValue());
    }

    @Test
    void defaultsAreThoseOfTheDesign() {
        JunctionProperties defaults = JunctionProperties.defaults();
        assertThat(defaults.get(JunctionProperty.MAX_REPLICA_LAG)).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.get(JunctionProperty.READ_CONSISTENCY)).isEqualTo(ReadConsistency.GLOBAL);
        assertThat(defaults.get(JunctionProperty.LOAD_BALANCE)).isEqualTo(LoadBalance.LEAST_BUSY);
        assertThat(defaults.get(JunctionProperty.MONITOR_INTERVAL)).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.get(JunctionProperty.CONFLICT_TABLES)).isEqualTo(List.of());
    }

    @Test
    void passesUnknownPropertiesThroughToTheBackend() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", "secret");
        ConnectionSettings settings =
                settings("jdbc:junction:postgresql://h1,h2/app?ssl=true&maxReplicaLag=250ms", info);
        assertThat(settings.backendProperties())
                .containsEntry("ssl", "true")
                .containsEntry("user", "app")
                .containsEntry("password", "secret")
                .doesNotContainKey("maxReplicaLag");
        assertThat(settings.properties().get(JunctionProperty.MAX_REPLICA_LAG)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.toString()).doesNotContain("secret");
    }

    @Test
    void urlParametersWinOverPropertiesAndDataSourceSettersWinOverBoth() throws SQLException {
        Properties info = new Properties();
        info.setProperty("maxReplicaLag", "5s");
        info.setProperty("loadBalance", "random");
        ConnectionSettings fromUrl = settings("jdbc:junction:postgresql://h1/app?maxReplicaLag=2s", info);
        assertThat(fromUrl.properties().get(JunctionProperty.MAX_REPLICA_LAG)).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromUrl.properties().get(JunctionProperty.LOAD_BALANCE)).isEqualTo(LoadBalance.RANDOM);
        ConnectionSettings explicit = ConnectionSettings.of(
                JunctionUrl.parse("jdbc:junction:postgresql://h1/app?maxReplicaLag=2s"),
                info,
                Map.of("maxReplicaLag", "3s"));
        assertThat(explicit.properties().get(JunctionProperty.MAX_REPLICA_LAG)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsBackendMultiHostPropertiesNamingTheJunctionEquivalent() {
        assertThatThrownBy(
                        () -> settings("jdbc:junction:postgresql://h1,h2/app?targetServerType=preferSecondary", null))
                .hasMessageContaining("Property \"targetServerType\" of the PostgreSQL driver is not supported")
                .hasMessageContaining("readConsistency");
        Properties info = new Properties();
        info.setProperty("loadBalanceHosts", "true");
        assertThatThrownBy(() -> settings("jdbc:junction:postgresql://h1,h2/app", info))
                .hasMessageContaining("use loadBalance");
        assertThatThrownBy(() -> settings("jdbc:junction:mysql://h1,h2/app?ha.loadBalanceStrategy=random", null))
                .hasMessageContaining("MySQL Connector/J")
                .hasMessageContaining("use loadBalance");
    }

    @Test
    void rejectsAJunctionPropertyNameInTheWrongCaseInsteadOfPassingItOnSilently() {
        assertThatThrownBy(() -> settings("jdbc:junction:postgresql://h1/app?maxreplicalag=1s", null))
                .hasMessageContaining("the property name spelt maxReplicaLag");
    }

    @Test
    void failoverTimeoutActsAndTakesZeroForFailAtOnce() throws SQLException {
        assertThat(settings("jdbc:junction:postgresql://h1,h2/app?failoverTimeout=5s", new Properties())
                        .properties()
                        .get(dev.junction.driver.JunctionProperty.FAILOVER_TIMEOUT))
                .isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(settings("jdbc:junction:postgresql://h1,h2/app?failoverTimeout=0ms", new Properties())
                        .properties()
                        .get(dev.junction.driver.JunctionProperty.FAILOVER_TIMEOUT))
                .isZero();
        assertThatThrownBy(() -> settings("jdbc:junction:postgresql://h1,h2/app?failoverTimeout=-1s", new Properties()))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"))
                .hasMessageContaining("-1s");
    }

    @Test
    void multiMasterPropertiesActOrAreRefusedWithWhatToDo() throws SQLException {
        String url = "jdbc:junction:postgresql://h1:5432,h2:5432/app";
        assertThat(settings(url + "?topology=multi-master&conflictTables=orders,carts:version-vector", new Properties())
                        .properties()
                        .get(JunctionProperty.CONFLICT_TABLES))
                .contains(new ConflictTable("carts", ConflictPolicy.VERSION_VECTOR));
        String[][] invalid = {
            {"conflictTables=orders", "topology=multi-master"},
            {"homeMaster=h1:5432", "topology=multi-master"},
            {"topology=multi-master&homeMaster=h3:5432", "one of the URL's hosts"},
            {"topology=multi-master&syncMode=sync", "async with topology=multi-master"},
            {"topology=multi-master&syncTables=orders:sync", "no sync tables"},
            {"topology=multi-master&readRepair=on", "conflictTables"},
            {"readRepair=on&conflictTables=orders", "topology=multi-master"},
            {"topology=multi-master&conflictTables=orders,likes:counter&readRepair=likes", "likes is not one"},
            {"topology=multi-master&conflictTables=orders&readRepair=carts", "carts is not one"},
            {"topology=multi-master&conflictTables=orders&readRepair=orders,,carts", "readRepair"}
        };
        for (String[] parameterAndHint : invalid) {
            assertThatThrownBy(() -> settings(url + "?" + parameterAndHint[0], new Properties()))
                    .as(parameterAndHint[0])
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("22023");
                        assertThat(e.getMessage()).contains(parameterAndHint[1]);
                    });
        }
        ConnectionSettings multiMaster = settings(
                url + "?topology=multi-master&homeMaster=H2:5432&conflictTables=orders:lww,app.carts",
                new Properties());
        assertThat(multiMaster.properties().get(JunctionProperty.CONFLICT_TABLES))
                .containsExactly(
                        new ConflictTable("orders", ConflictPolicy.LWW),
                        new ConflictTable("app.carts", ConflictPolicy.LWW));
        assertThat(multiMaster.clusterKey())
                .as("not shared with a primary-replica topology of the same hosts")
                .isNotEqualTo(settings(url, new Properties()).clusterKey());
        assertThat(settings(url + "?topology=multi-master&conflictTables=likes:counter", new Properties()))
                .as("counter tables act")
                .isNotNull();
        assertThat(settings(url + "?topology=multi-master&conflictTables=orders&readRepair=on", new Properties())
                        .properties()
                        .get(JunctionProperty.READ_REPAIR))
                .isEqualTo(dev.junction.driver.ReadRepair.ON);
        dev.junction.driver.ReadRepair some = settings(
                        url + "?topology=multi-master&conflictTables=orders,Carts&readRepair=carts", new Properties())
                .properties()
                .get(JunctionProperty.READ_REPAIR);
        assertThat(some.covers("Carts")).as("names compare case-insensitively").isTrue();
        assertThat(some.covers("orders")).isFalse();
        for (String parameter : new String[] {"topology=primary-replica", "readRepair=off", "conflictTables="}) {
            assertThat(settings(url + "?" + parameter, new Properties()))
                    .as(parameter)
                    .isNotNull();
        }
    }

    @Test
    void connectorJReadsCommitReportsForDataSourcesThatMayWaitWithoutSplittingTheCluster() throws SQLException {
        Properties user = new Properties();
        user.setProperty("user", "app");
        ConnectionSettings waits = settings("jdbc:junction:mysql://h1,h2/app?syncMode=semi-sync", user);
        ConnectionSettings plain = settings("jdbc:junction:mysql://h1,h2/app", user);
        assertThat(waits.backendProperties().getProperty("trackSessionState")).isEqualTo("true");
        assertThat(plain.backendProperties().getProperty("trackSessionState")).isNull();
        assertThat(waits.credentialKey())
                .as("Junction's own addition does not make another set of credentials")
                .isEqualTo(plain.credentialKey());

        ConnectionSettings declined =
                settings("jdbc:junction:mysql://h1,h2/app?syncMode=semi-sync&trackSessionState=false", user);
        assertThat(declined.backendProperties().getProperty("trackSessionState"))
                .isEqualTo("false");
        assertThat(declined.credentialKey()).isNotEqualTo(plain.credentialKey());
        assertThat(settings("jdbc:junction:mariadb://h1,h2/app?syncMode=semi-sync", user)
                        .backendProperties()
                        .getProperty("trackSessionState"))
                .as("MariaDB Connector/J has no such property")
                .isNull();
    }
}
