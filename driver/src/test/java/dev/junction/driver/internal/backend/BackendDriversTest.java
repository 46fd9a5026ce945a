package dev.junction.driver.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class BackendDriversTest {
    @Test
    void eachUrlNameLoadsItsOwnDriver() throws SQLException {
        assertThat(BackendDrivers.of(Backend.MARIADB).getClass().getName()).isEqualTo("org.mariadb.jdbc.Driver");
        assertThat(BackendDrivers.of(Backend.MYSQL).getClass().getName()).isEqualTo("com.mysql.cj.jdbc.Driver");
    }

    @Test
    void aMissingMariadbDriverNamesMariadbsArtifact() {
        assertThatThrownBy(() -> BackendDrivers.load(Backend.MARIADB, "org.mariadb.jdbc.Absent"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("MariaDB Connector/J")
                .hasMessageContaining("org.mariadb.jdbc:mariadb-java-client");
    }
}
