package dev.junction.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JunctionDriverTest {
    @Test
    void isRegisteredWithDriverManagerThroughTheServiceFile() throws SQLException {
        assertThat(Collections.list(DriverManager.getDrivers())).anyMatch(d -> d instanceof JunctionDriver);
        Driver driver = DriverManager.getDriver("jdbc:junction:postgresql://h/app");
        assertThat(driver).isInstanceOf(JunctionDriver.class);
    }

    @Test
    void describesEveryJunctionPropertyWithItsChoicesAndTheValueGiven() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "app");
        DriverPropertyInfo[] properties =
                new JunctionDriver().getPropertyInfo("jdbc:junction:mysql://h/app?loadBalance=random", info);
        assertThat(properties)
                .extracting(p -> p.name)
                .containsSubsequence("maxReplicaLag", "readRepair", "user", "password");
        DriverPropertyInfo loadBalance = Arrays.stream(properties)
                .filter(p -> p.name.equals("loadBalance"))
                .findFirst()
                .orElseThrow();
        assertThat(loadBalance.value).isEqualTo("random");
        assertThat(loadBalance.choices).containsExactly("round-robin", "random", "least-lag", "least-busy", "fastest");
        DriverPropertyInfo lag = Arrays.stream(properties)
                .filter(p -> p.name.equals("maxReplicaLag"))
                .findFirst()
                .orElseThrow();
        assertThat(lag.value).isEqualTo("1s");
        assertThat(Arrays.stream(properties)
                        .filter(p -> p.name.equals("password"))
                        .findFirst()
                        .orElseThrow()
                        .value)
                .isNull();
    }

    @Test
    void dataSourceSettersValidateAtOnceAndHaveGetters() {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setMaxReplicaLag("250ms");
        dataSource.setSyncMode("quorum:2");
        dataSource.setConflictTables("orders:lww,likes:counter");
        assertThat(dataSource.getMaxReplicaLag()).isEqualTo("250ms");
        assertThat(dataSource.getSyncMode()).isEqualTo("quorum:2");
        assertThatThrownBy(() -> dataSource.setReadConsistency("sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Invalid value \"sometimes\" for property \"readConsistency\": expected one of eventual, session, global, strong.");
        assertThatThrownBy(() -> dataSource.setProperty("failoverTimeout", "soon"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDataSourceWithoutUrlSaysSo() {
        assertThatThrownBy(() -> new JunctionDataSource().getConnection())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no URL was set on the JunctionDataSource");
    }
}
