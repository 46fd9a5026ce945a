package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.topology.monitor.MySqlFamilyProbe;
import dev.junction.driver.internal.topology.monitor.PostgresReplicationProbe;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.MariaDbGtidPosition;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class CausalTokenTest {
    private final PostgresReplicationProbe postgres = new PostgresReplicationProbe();
    private final MySqlFamilyProbe mysqlFamily = new MySqlFamilyProbe();

    @Test
    void aPostgresTokenIsTheLsnWithItsKind() throws SQLException {
        ReplicationPosition lsn = LogSequenceNumber.parse("0/16B3748");
        String token = CausalToken.format(postgres, lsn);
        assertThat(token).isEqualTo("pg:0/16B3748");
        assertThat(CausalToken.parse(postgres, token)).isEqualTo(lsn);
    }

    @Test
    void mariaDbAndMySqlTokensAreToldApartByTheirPositions() throws SQLException {
        ReplicationPosition gtid = MariaDbGtidPosition.parse("0-1-42,1-2-7");
        String token = CausalToken.format(mysqlFamily, gtid);
        assertThat(token).startsWith("mariadb:");
        assertThat(CausalToken.parse(mysqlFamily, token).covers(gtid)).isTrue();
        assertThat(CausalToken.format(
                        mysqlFamily, mysqlFamily.parsePosition("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5")))
                .startsWithIgnoringCase("mysql:3E11FA47");
    }

    @Test
    void rejectsMalformedAndForeignTokensWith22023NamingThem() {
        for (String bad : new String[] {"", "0/16B3748", "pg:not-an-lsn", "mariadb:0-1-42"}) {
            assertThatThrownBy(() -> CausalToken.parse(postgres, bad))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Invalid causal token \"" + bad + "\"")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("22023");
        }
    }
}
