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

    /** The values of {@code column} of key 1's siblings of {@code model_notes} on {@code master}, sorted. */
    private java.util.List<String> siblings(int master, int id) throws SQLException {
        java.util.List<String> tags = new java.util.ArrayList<>();
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select tags from model_notes_junction_siblings where id = " + id + " order by tags")) {
            while (rows.next()) {
                tags.add(rows.getString(1));
            }
        }
        return tags;
    }

    private String tags(int master, int id) throws SQLException {
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select tags, _vv from model_notes where id = " + id)) {
            return row.next() ? row.getString(1) + " " + row.getString(2) : "none";
        }
    }

    /** The application's merge: the union of the versions' comma-separated tags, sorted. */
    private static java.util.Map<String, Object> unionOfTags(
            java.util.List<dev.junction.conflict.RowVersion<java.util.Map<String, Object>>> versions) {
        java.util.TreeSet<String> union = new java.util.TreeSet<>();
        for (dev.junction.conflict.RowVersion<java.util.Map<String, Object>> version : versions) {
            if (version.value() != null) {
                union.addAll(java.util.List.of(
                        String.valueOf(version.value().get("tags")).split(",")));
            }
        }
        return java.util.Map.of("tags", String.join(",", union));
    }

    @Test
    void aVersionVectorTableKeepsConcurrentWritesAsSiblingsUntilTheApplicationMergesThem() throws Exception {
        createOnBoth("create table model_notes (id int primary key, tags varchar(200))");
        String vv = "?topology=multi-master&conflictTables=model_notes:version-vector";
        try (ConflictTableSetup setup = ConflictTableSetup.open(url(vv), adminCredentials())) {
            assertThat(setup.prepare("model_notes", true).applied()).isTrue();
            ConflictTableSetup.TableSetup again = setup.prepare("model_notes", false);
            assertThat(again.ready())
                    .as("prepared: nothing left to run (%s)", again)
                    .isTrue();
        }
        awaitReplication();
        try (Connection east = DriverManager.getConnection(url(vv + "&homeMaster=" + address(0)), adminCredentials());
                Connection west =
                        DriverManager.getConnection(url(vv + "&homeMaster=" + address(1)), adminCredentials());
                Statement eastStatement = east.createStatement();
                Statement westStatement = west.createStatement()) {
            eastStatement.executeUpdate("insert into model_notes (id, tags) values (1, 'a'), (2, 'x')");
            awaitReplication();
            eastStatement.executeUpdate("update model_notes set tags = 'x,y' where id = 2");
            awaitReplication();
            westStatement.executeUpdate("update model_notes set tags = 'x,y,z' where id = 2");
            awaitReplication();
            pauseReplication();
            eastStatement.executeUpdate("update model_notes set tags = 'a,b' where id = 1");
            westStatement.executeUpdate("update model_notes set tags = 'a,c' where id = 1");
            resumeReplication();
            awaitReplication();
        }
        assertThat(tags(0, 1))
                .as("both masters hold the later write")
                .startsWith("a,c ")
                .isEqualTo(tags(1, 1));
        assertThat(siblings(0, 1))
                .as("the concurrent write kept, never dropped")
                .containsExactly("a,b");
        assertThat(siblings(1, 1)).containsExactly("a,b");
        assertThat(siblings(0, 2))
                .as("a write that saw the one before is no sibling")
                .isEmpty();
        assertThat(siblings(1, 2)).isEmpty();
        assertThat(tags(0, 2)).startsWith("x,y,z ");
        try (dev.junction.driver.reconcile.Reconciler reconciler =
                dev.junction.driver.reconcile.Reconciler.open(url(vv), adminCredentials())) {
            assertThat(reconciler.mergeSiblings("model_notes", ConflictTableSetupContract::unionOfTags))
                    .isEqualTo(1);
            assertThat(reconciler.mergeSiblings("model_notes", ConflictTableSetupContract::unionOfTags))
                    .as("merged: nothing left")
                    .isZero();
        }
        awaitReplication();
        assertThat(tags(0, 1)).as("the application's merge on both masters").startsWith("a,b,c ");
        assertThat(tags(1, 1)).isEqualTo(tags(0, 1));
        assertThat(siblings(0, 1)).isEmpty();
        assertThat(siblings(1, 1)).isEmpty();
        assertThat(bed().replicating()).isTrue();
    }

    /** Every row of {@code retired_models} on {@code master}, tombstones included: {@code id:stage[:deleted]}. */
    private java.util.List<String> retired(int master) throws SQLException {
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("select id, stage, _deleted from retired_models order by id")) {
            while (result.next()) {
                rows.add(result.getInt(1) + ":" + result.getString(2) + (result.getBoolean(3) ? ":deleted" : ""));
            }
        }
        return rows;
    }

    @Test
    void tombstonesHeldByEveryMasterPastTheRetentionArePurgedAndAnOlderWriteCannotBringOneBack() throws Exception {
        createOnBoth("create table retired_models (id int primary key, stage varchar(40))");
        String parameters = "?topology=multi-master&conflictTables=retired_models&tombstoneRetention=2s";
        try (ConflictTableSetup setup = ConflictTableSetup.open(url(parameters), adminCredentials())) {
            assertThat(setup.prepare("retired_models", true).applied()).isTrue();
        }
        awaitReplication();
        try (Connection app =
                        DriverManager.getConnection(url(parameters + "&homeMaster=" + address(0)), adminCredentials());
                Statement statement = app.createStatement()) {
            statement.executeUpdate("insert into retired_models (id, stage) values (1, 'a'), (2, 'b'), (3, 'c')");
            assertThat(statement.executeUpdate("delete from retired_models where id < 3"))
                    .isEqualTo(2);
        }
        awaitReplication();
        assertThat(retired(0)).containsExactly("1:a:deleted", "2:b:deleted", "3:c");
        try (dev.junction.driver.reconcile.Reconciler reconciler =
                dev.junction.driver.reconcile.Reconciler.open(url(parameters), adminCredentials())) {
            assertThat(reconciler.purgeTombstones("retired_models", false))
                    .as("younger than the retention: kept")
                    .isZero();
            Thread.sleep(2_500); // the retention passes
            assertThat(reconciler.purgeTombstones("retired_models", true))
                    .as("dry run")
                    .isEqualTo(2);
            assertThat(retired(1)).as("a dry run changes nothing").hasSize(3);
            assertThat(reconciler.purgeTombstones("retired_models", false)).isEqualTo(2);
            assertThat(reconciler.purgeTombstones("retired_models", false))
                    .as("purged")
                    .isZero();
        }
        awaitReplication();
        assertThat(retired(0)).containsExactly("3:c");
        assertThat(retired(1)).containsExactly("3:c");
        long old = dev.junction.conflict.HlcTimestamp.ofMillis(System.currentTimeMillis() - 10_000);
        String stale = "insert into retired_models (id, stage, _hlc, _origin) values (1, 'stale', " + old + ", 'm1')";
        boolean postgres;
        try (Connection raw = rawMaster(1);
                Statement statement = raw.createStatement()) {
            postgres = raw.getMetaData().getDatabaseProductName().contains("PostgreSQL");
            if (postgres) {
                statement.executeUpdate(stale); // a writer bypassing Junction: replicated, the guard must refuse it
            } else {
                assertThatThrownBy(() -> statement.executeUpdate(stale))
                        .as("MariaDB's guard refuses it where it is written (a trigger cannot skip a row)")
                        .hasMessageContaining("tombstoneRetention");
            }
        }
        awaitReplication();
        assertThat(retired(0)).as("the purged row did not come back").containsExactly("3:c");
        assertThat(bed().replicating()).isTrue();
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
