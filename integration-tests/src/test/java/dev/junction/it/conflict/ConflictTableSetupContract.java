package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.reconcile.ConflictTableSetup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code junction conflict-tables}' engine ({@link ConflictTableSetup}) on a real two-master bed: an ordinary table
 * is checked (nothing changed), then prepared on every master (metadata columns and guard triggers), after which
 * Junction's stamped updates made on both masters during a partition converge; tables that cannot be prepared are
 * refused, changing nothing.
 */
abstract class ConflictTableSetupContract {
    /** The bed the tests run on, started by the subclass. */
    abstract TwoMasterBed bed();

    String url(String parameters) {
        return bed().url(parameters);
    }

    Properties adminCredentials() {
        return bed().adminCredentials();
    }

    Connection rawMaster(int index) throws SQLException {
        return bed().rawMaster(index);
    }

    String address(int index) {
        return bed().address(index);
    }

    void createOnBoth(String ddl) {
        bed().createOnBoth(ddl);
    }

    void pauseReplication() {
        bed().pauseReplication();
    }

    void resumeReplication() {
        bed().resumeReplication();
    }

    void awaitReplication() {
        bed().awaitReplication();
    }

    private int columns(int master, String table) throws SQLException {
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select count(*) from information_schema.columns where"
                        + " table_name = '" + table + "' and column_name in ('_hlc', '_origin', '_deleted')")) {
            row.next();
            return row.getInt(1);
        }
    }

    private String stage(int master, int id) throws SQLException {
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select stage from registered_models where id = " + id)) {
            return row.next() ? row.getString(1) : "none";
        }
    }

    @Test
    void aCheckedTableIsUnchangedAndAPreparedOneConvergesUnderConcurrentStampedUpdates() throws Exception {
        createOnBoth("create table registered_models (id int primary key, stage varchar(40))");
        try (ConflictTableSetup setup = ConflictTableSetup.open(url(""), adminCredentials())) {
            ConflictTableSetup.TableSetup check = setup.prepare("registered_models", false);
            assertThat(check.ready()).isFalse();
            assertThat(check.masters()).hasSize(2).allSatisfy(master -> {
                assertThat(master.statements()).anyMatch(sql -> sql.contains("ADD COLUMN _hlc"));
                assertThat(master.statements()).anyMatch(sql -> sql.contains("junction_update_guard"));
                assertThat(master.notes())
                        .as("the bed is configured as the guards need")
                        .isEmpty();
            });
            assertThat(columns(0, "registered_models"))
                    .as("a check changes nothing")
                    .isZero();
            assertThat(columns(1, "registered_models")).isZero();

            assertThat(setup.prepare("registered_models", true).applied()).isTrue();
            awaitReplication();
            assertThat(columns(0, "registered_models")).isEqualTo(3);
            assertThat(columns(1, "registered_models")).isEqualTo(3);
            assertThat(setup.prepare("registered_models", false).ready())
                    .as("prepared: nothing left to run")
                    .isTrue();
        }
        String stamped = "&conflictTables=registered_models";
        try (Connection east = DriverManager.getConnection(
                        url("?topology=multi-master&homeMaster=" + address(0) + stamped), adminCredentials());
                Connection west = DriverManager.getConnection(
                        url("?topology=multi-master&homeMaster=" + address(1) + stamped), adminCredentials());
                Statement eastStatement = east.createStatement();
                Statement westStatement = west.createStatement()) {
            eastStatement.executeUpdate("insert into registered_models (id, stage) values (1, 'staging')");
            awaitReplication();
            pauseReplication();
            eastStatement.executeUpdate("update registered_models set stage = 'production' where id = 1");
            westStatement.executeUpdate("update registered_models set stage = 'archived' where id = 1");
            resumeReplication();
            awaitReplication();
        }
        assertThat(stage(0, 1)).as("the later update wins on both masters").isEqualTo("archived");
        assertThat(stage(1, 1)).isEqualTo("archived");
    }

    @Test
    void tablesThatCannotBePreparedAreRefusedAndLeftAlone() throws Exception {
        createOnBoth("create table badly_typed (id int primary key, _hlc varchar(10))");
        createOnBoth("create table keyless (id int, stage varchar(40))");
        try (ConflictTableSetup setup = ConflictTableSetup.open(url(""), adminCredentials())) {
            assertThatThrownBy(() -> setup.prepare("badly_typed", true))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("55000");
                        assertThat(e.getMessage()).contains("badly_typed._hlc");
                    });
            assertThatThrownBy(() -> setup.prepare("keyless", true)).hasMessageContaining("no primary key");
            assertThatThrownBy(() -> setup.prepare("missing_everywhere", true)).hasMessageContaining("no such table");
        }
        assertThat(columns(0, "badly_typed")).as("nothing added").isEqualTo(1);
        assertThat(columns(1, "keyless")).isZero();
    }
}
