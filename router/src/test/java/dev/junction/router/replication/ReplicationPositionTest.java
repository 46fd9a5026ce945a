package dev.junction.router.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplicationPositionTest {
    @Test
    void lsnRoundTripsAndComparesUnsigned() {
        LogSequenceNumber lsn = LogSequenceNumber.parse("16/B374D848");
        assertThat(lsn.text()).isEqualTo("16/B374D848");
        assertThat(LogSequenceNumber.parse("FFFFFFFF/0").covers(LogSequenceNumber.parse("1/0")))
                .isTrue();
        assertThat(LogSequenceNumber.parse("0/10").covers(LogSequenceNumber.parse("0/11")))
                .isFalse();
    }

    @Test
    void lsnParseErrorsNameTheValue() {
        assertThatThrownBy(() -> LogSequenceNumber.parse("16B374D848")).hasMessageContaining("\"16B374D848\"");
        assertThatThrownBy(() -> LogSequenceNumber.parse("1/zz")).hasMessageContaining("\"1/zz\"");
    }

    @Test
    void mariaDbPositionCoversPerDomainIgnoringServerIds() {
        MariaDbGtidPosition replica = MariaDbGtidPosition.parse("0-1-42,1-2-7");
        assertThat(replica.covers(MariaDbGtidPosition.parse("0-3-42"))).isTrue();
        assertThat(replica.covers(MariaDbGtidPosition.parse("0-1-43"))).isFalse();
        assertThat(replica.covers(MariaDbGtidPosition.parse("2-1-1")))
                .as("unknown domain")
                .isFalse();
        assertThat(replica.covers(MariaDbGtidPosition.parse(""))).isTrue();
        assertThat(replica.text()).isEqualTo("0-1-42,1-2-7");
    }

    @Test
    void mySqlGtidSetCoversSubsetsOnly() {
        MySqlGtidSet executed = MySqlGtidSet.parse(
                "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7-9,aaaaaaaa-0000-0000-0000-000000000000:1-3");
        assertThat(executed.covers(MySqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:2-4")))
                .isTrue();
        assertThat(executed.covers(MySqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-7")))
                .as("6 missing")
                .isFalse();
        assertThat(executed.covers(MySqlGtidSet.parse("bbbbbbbb-0000-0000-0000-000000000000:1")))
                .isFalse();
        assertThat(MySqlGtidSet.parse("u:1-3:4-6:8").text()).isEqualTo("u:1-6:8");
    }

    @Test
    void positionsOfDifferentKindsRefuseToCompare() {
        assertThatThrownBy(() -> LogSequenceNumber.parse("0/1").covers(MariaDbGtidPosition.parse("0-1-1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
