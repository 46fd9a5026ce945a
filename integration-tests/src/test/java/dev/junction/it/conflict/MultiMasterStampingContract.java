package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code topology=multi-master} with {@code conflictTables} on a real two-master bed whose masters have the guard
 * triggers: every statement runs on the data source's home master, Junction stamps the INSERTs and UPDATEs of the
 * conflict table ({@code _hlc} from the JVM's hybrid logical clock, {@code _origin} the master), and concurrent
 * updates made through two data sources homed on different masters converge on both masters on the later stamp,
 * with replication still running. Writes it cannot stamp are refused before they run. Table {@code model_versions}
 * (id, stage, {@code _hlc}, {@code _origin}) is the conflict table, {@code audit_log} (id, note) an ordinary one.
 */
abstract class MultiMasterStampingContract {
    /** The bed the tests run on, started by the subclass. */
    abstract TwoMasterBed bed();

    /** The tables the tests use, made by the subclass once the bed is up. */
    static void createTables(TwoMasterBed bed) {
        bed.createOnBoth(
                "create table model_versions(id int primary key, stage varchar(40) not null,"
                        + " _hlc bigint not null default 0, _origin varchar(64) not null default '', _deleted boolean not null default false)",
                "create table audit_log(id int primary key, note varchar(40))",
                "create table likes(post int, _origin varchar(64), n bigint not null default 0,"
                        + " _hlc bigint not null default 0, primary key (post, _origin))");
        bed.installGuards("model_versions", List.of("id"), List.of("id", "stage", "_hlc", "_origin", "_deleted"));
    }

    String url(int home, String more) {
        return bed().homedUrl(home, more);
    }

    Properties credentials() {
        return bed().applicationCredentials();
    }

    Connection rawMaster(int index) throws SQLException {
        return bed().rawMaster(index);
    }

    String address(int index) {
        return bed().address(index);
    }

    String upsert() {
        return bed().upsert();
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

    boolean replicating() {
        return bed().replicating();
    }

    Connection junction(int home) throws SQLException {
        return DriverManager.getConnection(url(home, "&conflictTables=model_versions"), credentials());
    }

    /** Every row of {@code model_versions} on master {@code index}, in key order: id, stage, stamp and origin. */
    List<String> rows(int index) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = rawMaster(index);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("select id, stage, _hlc, _origin from model_versions order by id")) {
            while (result.next()) {
                rows.add(result.getInt(1) + ":" + result.getString(2) + "@" + result.getLong(3) + "/"
                        + result.getString(4));
            }
        }
        return rows;
    }

    String row(int master, int id) throws SQLException {
        return rows(master).stream()
                .filter(r -> r.startsWith(id + ":"))
                .findFirst()
                .orElse("none");
    }

    long stamp(int master, int id) throws SQLException {
        String row = row(master, id);
        return Long.parseLong(row.substring(row.indexOf('@') + 1, row.indexOf('/')));
    }

    @Test
    void writesRunOnTheHomeMasterStampedWithTheClockAndTheMaster() throws SQLException {
        try (Connection app = junction(1)) {
            try (PreparedStatement insert =
                    app.prepareStatement("insert into model_versions (id, stage) values (?, ?)")) {
                insert.setInt(1, 1);
                insert.setString(2, "staging");
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            String inserted = row(1, 1);
            assertThat(inserted)
                    .as("on the home master, stamped")
                    .startsWith("1:staging@")
                    .endsWith("/" + address(1).replace(":", "_"));
            long first = stamp(1, 1);
            assertThat(first).isPositive();
            try (Statement statement = app.createStatement()) {
                assertThat(statement.executeUpdate("update model_versions set stage = 'production' where id = 1"))
                        .isEqualTo(1);
            }
            assertThat(stamp(1, 1))
                    .as("an update is later than the row it replaces")
                    .isGreaterThan(first);
            long updated = stamp(1, 1);
            try (PreparedStatement upsert = app.prepareStatement(upsert())) {
                upsert.setInt(1, 1);
                upsert.setString(2, "upserted");
                upsert.executeUpdate();
            }
            assertThat(row(1, 1)).startsWith("1:upserted@");
            assertThat(stamp(1, 1))
                    .as("an upsert that updates stamps the row too")
                    .isGreaterThan(updated);
        }
        awaitReplication();
        assertThat(rows(0)).isEqualTo(rows(1));
    }

    @Test
    void concurrentUpdatesThroughTwoHomesConvergeOnTheLaterStampOnBothMasters() throws SQLException {
        try (Connection app = junction(0)) {
            try (PreparedStatement insert =
                    app.prepareStatement("insert into model_versions (id, stage) values (?, ?)")) {
                for (int id = 10; id < 20; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "staging");
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).hasSize(10);
            }
        }
        awaitReplication();
        pauseReplication();
        try (Connection east = junction(0);
                Connection west = junction(1);
                PreparedStatement eastUpdate =
                        east.prepareStatement("update model_versions set stage = ? where id = ?");
                PreparedStatement westUpdate =
                        west.prepareStatement("update model_versions set stage = ? where id = ?")) {
            for (int id = 10; id < 20; id++) {
                // Interleaved: even rows are written last on master1, odd rows last on master0.
                PreparedStatement first = id % 2 == 0 ? eastUpdate : westUpdate;
                PreparedStatement last = id % 2 == 0 ? westUpdate : eastUpdate;
                first.setString(1, "promoted first");
                first.setInt(2, id);
                assertThat(first.executeUpdate()).isEqualTo(1);
                last.setString(1, "promoted last");
                last.setInt(2, id);
                assertThat(last.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(rows(0)).as("diverged while apart").isNotEqualTo(rows(1));
        resumeReplication();
        awaitReplication();
        assertThat(rows(0)).as("both masters hold the same rows").isEqualTo(rows(1));
        for (int id = 10; id < 20; id++) {
            assertThat(row(0, id))
                    .as("row %d: the later write wins, on the master it was written on", id)
                    .startsWith(id + ":promoted last@")
                    .endsWith("/" + address(id % 2 == 0 ? 1 : 0).replace(":", "_"));
        }
        assertThat(replicating()).isTrue();
    }

    @Test
    void aWriteThatCannotBeStampedIsRefusedAndNothingRuns() throws SQLException {
        try (Connection app = junction(0);
                Statement statement = app.createStatement()) {
            statement.executeUpdate("insert into model_versions (id, stage) values (30, 'kept')");
            assertThatThrownBy(() -> statement.executeUpdate("truncate model_versions"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("0A000");
                        assertThat(e.getErrorCode()).isEqualTo(91042);
                        assertThat(e.getMessage()).contains("model_versions");
                    });
            assertThatThrownBy(() -> app.prepareStatement("insert into model_versions values (?, ?, 0, '')"))
                    .as("refused at prepare time")
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"));
            assertThatThrownBy(() -> statement.addBatch("update model_versions set _hlc = 0 where id = 30"))
                    .as("a batch refuses it when it is added")
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"));
        }
        assertThat(row(0, 30)).startsWith("30:kept@");
    }

    /** Whether row {@code id} of master {@code index} is a tombstone; null when the master has no such row. */
    Boolean tombstone(int index, int id) throws SQLException {
        try (Connection connection = rawMaster(index);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select _deleted from model_versions where id = " + id)) {
            return result.next() ? result.getBoolean(1) : null;
        }
    }

    /** The stages Junction's {@code app} reads for {@code ids}, in key order: what the application sees. */
    static List<String> seen(Connection app, String ids) throws SQLException {
        List<String> stages = new ArrayList<>();
        try (Statement statement = app.createStatement();
                ResultSet result = statement.executeQuery(
                        "select m.id, m.stage from model_versions m where m.id in (" + ids + ") order by m.id")) {
            while (result.next()) {
                stages.add(result.getInt(1) + ":" + result.getString(2));
            }
        }
        return stages;
    }

    @Test
    void aDeleteLeavesATombstoneThatReadsSkipAnInsertBringsBackAndTheLaterStampSettles() throws SQLException {
        try (Connection app = junction(0);
                Statement statement = app.createStatement()) {
            statement.executeUpdate(
                    "insert into model_versions (id, stage) values (50, 'a'), (51, 'b'), (52, 'c')," + " (53, 'd')");
            long inserted = stamp(0, 50);
            try (PreparedStatement delete = app.prepareStatement("delete from model_versions where id = ?")) {
                delete.setInt(1, 50);
                assertThat(delete.executeUpdate()).as("one row deleted").isEqualTo(1);
                assertThat(delete.executeUpdate())
                        .as("a deleted row is no row to delete")
                        .isZero();
            }
            assertThat(tombstone(0, 50)).as("the row stays, as a tombstone").isTrue();
            assertThat(stamp(0, 50))
                    .as("the delete is stamped later than the insert")
                    .isGreaterThan(inserted);
            assertThat(seen(app, "50, 51")).as("reads skip the tombstone").containsExactly("51:b");
            assertThat(statement.executeUpdate("update model_versions set stage = 'x' where id = 50"))
                    .as("an update does not touch a tombstone")
                    .isZero();
            try (PreparedStatement insert =
                    app.prepareStatement("insert into model_versions (id, stage) values (?, ?)")) {
                insert.setInt(1, 50);
                insert.setString(2, "again");
                assertThat(insert.executeUpdate()).as("the key inserted again").isEqualTo(1);
                insert.setInt(1, 51);
                insert.setString(2, "duplicate");
                assertThatThrownBy(insert::executeUpdate)
                        .as("a live row's key is a duplicate, as without Junction")
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).startsWith("23"));
            }
            assertThat(tombstone(0, 50)).isFalse();
            assertThat(seen(app, "50, 51")).containsExactly("50:again", "51:b");
        }
        awaitReplication();
        pauseReplication();
        try (Connection east = junction(0);
                Connection west = junction(1);
                Statement eastStatement = east.createStatement();
                Statement westStatement = west.createStatement()) {
            // Row 52: deleted on east, then updated on west (later). Row 53: updated on west, then deleted on east.
            assertThat(eastStatement.executeUpdate("delete from model_versions where id = 52"))
                    .isEqualTo(1);
            assertThat(westStatement.executeUpdate("update model_versions set stage = 'kept' where id = 52"))
                    .isEqualTo(1);
            assertThat(westStatement.executeUpdate("update model_versions set stage = 'lost' where id = 53"))
                    .isEqualTo(1);
            assertThat(eastStatement.executeUpdate("delete from model_versions where id = 53"))
                    .isEqualTo(1);
        }
        resumeReplication();
        awaitReplication();
        assertThat(rows(0)).as("both masters hold the same rows").isEqualTo(rows(1));
        assertThat(tombstone(0, 52)).as("the later update wins over the delete").isFalse();
        assertThat(tombstone(1, 53))
                .as("the later delete wins over the update: no resurrection")
                .isTrue();
        try (Connection west = junction(1)) {
            assertThat(seen(west, "50, 51, 52, 53")).containsExactly("50:again", "51:b", "52:kept");
        }
        assertThat(replicating()).isTrue();
    }

    /** Runs {@code sql} on master {@code index} alone: its change is not replicated (a divergence to repair). */
    void onOneMasterOnly(int index, String sql) throws SQLException {
        try (Connection raw = rawMaster(index);
                Statement statement = raw.createStatement()) {
            bed().keepToItself(raw);
            statement.executeUpdate(sql);
        }
    }

    @Test
    void readRepairGivesEveryMasterTheLatestVersionOfARowReadByKey() throws SQLException {
        try (Connection app = junction(0);
                Statement statement = app.createStatement()) {
            statement.executeUpdate("insert into model_versions (id, stage) values (60, 'old'), (61, 'live')");
        }
        awaitReplication();
        onOneMasterOnly(1, "update model_versions set stage = 'newer', _hlc = _hlc + 1000 where id = 60");
        onOneMasterOnly(1, "update model_versions set _deleted = true, _hlc = _hlc + 1000 where id = 61");
        onOneMasterOnly(
                1,
                "insert into model_versions (id, stage, _hlc, _origin) values (62, 'only on 1', "
                        + dev.junction.conflict.HlcTimestamp.ofMillis(System.currentTimeMillis()) + ", 'm1')");
        try (Connection plain = junction(0)) {
            assertThat(seen(plain, "60"))
                    .as("without read repair the home master's version")
                    .containsExactly("60:old");
        }
        try (Connection otherTable = DriverManager.getConnection(
                        url(0, "&conflictTables=model_versions,audit_log&readRepair=audit_log"), credentials());
                PreparedStatement byKey =
                        otherTable.prepareStatement("select stage from model_versions where id = ?")) {
            byKey.setInt(1, 60);
            try (ResultSet row = byKey.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1))
                        .as("read repair of another table only")
                        .isEqualTo("old");
            }
        }
        String url = url(0, "&conflictTables=model_versions&readRepair=model_versions");
        try (Connection app = DriverManager.getConnection(url, credentials());
                PreparedStatement byKey = app.prepareStatement("select stage from model_versions where id = ?");
                Statement statement = app.createStatement()) {
            byKey.setInt(1, 60);
            try (ResultSet row = byKey.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1))
                        .as("the latest version, from the other master")
                        .isEqualTo("newer");
            }
            byKey.setInt(1, 61);
            try (ResultSet row = byKey.executeQuery()) {
                assertThat(row.next())
                        .as("the other master deleted it later: no row")
                        .isFalse();
            }
            try (ResultSet row = statement.executeQuery("select stage from model_versions where id = 62")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("only on 1");
            }
        }
        for (int id = 60; id <= 62; id++) {
            assertThat(row(0, id)).as("row %d repaired on the home master", id).isEqualTo(row(1, id));
        }
        assertThat(tombstone(0, 61)).as("the tombstone repaired too").isTrue();
        long stamp = stamp(0, 60);
        try (Connection app = DriverManager.getConnection(url, credentials());
                Statement statement = app.createStatement();
                ResultSet row = statement.executeQuery("select stage from model_versions where id = 60")) {
            assertThat(row.next()).isTrue();
        }
        assertThat(stamp(0, 60)).as("a second read finds nothing to repair").isEqualTo(stamp);
        awaitReplication();
        assertThat(replicating()).isTrue();
    }

    @Test
    void otherTablesAndReadsRunAsWritten() throws SQLException {
        try (Connection app = junction(1);
                Statement statement = app.createStatement()) {
            assertThat(statement.executeUpdate("insert into audit_log (id, note) values (1, 'unstamped')"))
                    .isEqualTo(1);
            statement.executeUpdate("insert into model_versions (id, stage) values (40, 'read me')");
            try (ResultSet result = statement.executeQuery("select stage from model_versions where id = 40")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).isEqualTo("read me");
            }
            statement.executeUpdate("delete from audit_log where id = 1");
        }
    }

    @Test
    void counterIncrementsMadeOnBothMastersDuringAPartitionAddUpOnBoth() throws Exception {
        String url0 = url(0, "&conflictTables=model_versions,likes:counter");
        String url1 = url(1, "&conflictTables=model_versions,likes:counter");
        long[] expected = new long[4];
        pauseReplication();
        try (Connection east = DriverManager.getConnection(url0, credentials());
                Connection west = DriverManager.getConnection(url1, credentials());
                PreparedStatement eastIncrement = east.prepareStatement("update likes set n = n + ? where post = ?");
                PreparedStatement westDecrement = west.prepareStatement("update likes set n = n - ? where post = ?")) {
            java.util.Random random = new java.util.Random(5);
            for (int i = 0; i < 60; i++) {
                int post = 1 + random.nextInt(3);
                int amount = 1 + random.nextInt(3);
                PreparedStatement statement = i % 3 == 0 ? westDecrement : eastIncrement;
                statement.setInt(1, amount);
                statement.setInt(2, post);
                assertThat(statement.executeUpdate()).isEqualTo(1);
                expected[post] += i % 3 == 0 ? -amount : amount;
            }
            try (Statement plain = west.createStatement()) {
                assertThat(plain.executeUpdate("update likes set n = n + 10 where post = 3"))
                        .isEqualTo(1);
                expected[3] += 10;
                plain.addBatch("update likes set n = n + 2 where post = 2");
                plain.addBatch("update likes set n = n - 1 where post = 2");
                assertThat(plain.executeBatch())
                        .as("each increment stands for one row")
                        .containsExactly(1, 1);
                expected[2] += 1;
                assertThatThrownBy(() -> plain.executeUpdate("update likes set n = 0 where post = 3"))
                        .as("not an increment")
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getMessage()).contains("counter table"));
            }
        }
        resumeReplication();
        awaitReplication();
        for (int master = 0; master < 2; master++) {
            try (Connection connection = rawMaster(master);
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "select post, sum(n), count(*) from likes group by post order by post")) {
                for (int post = 1; post <= 3; post++) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(post);
                    assertThat(rows.getLong(2))
                            .as("post %d on master %d: the sum of every acknowledged increment", post, master)
                            .isEqualTo(expected[post]);
                    assertThat(rows.getInt(3)).as("one row per master").isEqualTo(2);
                }
            }
        }
        assertThat(replicating()).isTrue();
    }
}
