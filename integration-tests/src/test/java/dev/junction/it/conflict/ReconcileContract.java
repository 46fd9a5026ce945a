package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.conflict.HlcTimestamp;
import dev.junction.driver.reconcile.Reconciler;
import dev.junction.driver.reconcile.TableReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code junction reconcile}'s engine ({@link Reconciler}) on a real two-master bed: rows made to diverge by writes
 * that each master keeps to itself (as writers that bypass replication, or a same-key insert MariaDB resolved
 * differently on each side, leave them), then a dry run that changes nothing, a reconcile after which both masters
 * hold the same rows, each the latest stamped version of what was written (computed here from the writes, not by
 * Junction's code), every decision in the conflict log, and a second run with nothing to do. A table whose definition
 * differs between the masters is refused.
 */
abstract class ReconcileContract {
    private static final int SEEDED = 300;

    /** The bed the tests run on, started by the subclass. */
    abstract TwoMasterBed bed();

    String url(String parameters) {
        return bed().url(parameters);
    }

    Properties credentials() {
        return bed().applicationCredentials();
    }

    Connection rawMaster(int index) throws SQLException {
        return bed().rawMaster(index);
    }

    void keepToItself(Connection connection) throws SQLException {
        bed().keepToItself(connection);
    }

    void createOnBoth(String ddl) {
        bed().createOnBoth(ddl);
    }

    void alterOne(int index, String ddl) throws SQLException {
        bed().alterOne(index, ddl);
    }

    void awaitReplication() {
        bed().awaitReplication();
    }

    /** What the test wrote, per key: the latest stamped version, as last-writer-wins must leave every master. */
    private final Map<Integer, String> model = new TreeMap<>();

    private void write(Connection connection, String origin, int id, String stage, long hlc, boolean insert)
            throws SQLException {
        String sql = insert
                ? "insert into registry (id, stage, _hlc, _origin) values (?, ?, ?, ?)"
                : "update registry set stage = ?, _hlc = ?, _origin = ? where id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (insert) {
                statement.setInt(1, id);
                statement.setString(2, stage);
                statement.setLong(3, hlc);
                statement.setString(4, origin);
            } else {
                statement.setString(1, stage);
                statement.setLong(2, hlc);
                statement.setString(3, origin);
                statement.setInt(4, id);
            }
            statement.executeUpdate();
        }
        String version = stage + "@" + hlc + "/" + origin;
        String held = model.get(id);
        if (held == null || newer(version, held)) {
            model.put(id, version);
        }
    }

    private static boolean newer(String a, String b) {
        long ha = Long.parseLong(a.substring(a.indexOf('@') + 1, a.indexOf('/')));
        long hb = Long.parseLong(b.substring(b.indexOf('@') + 1, b.indexOf('/')));
        return ha != hb ? ha > hb : a.substring(a.indexOf('/')).compareTo(b.substring(b.indexOf('/'))) > 0;
    }

    private Map<Integer, String> rows(int master, String table) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select id, stage, _hlc, _origin from " + table)) {
            while (result.next()) {
                rows.put(result.getInt(1), result.getString(2) + "@" + result.getLong(3) + "/" + result.getString(4));
            }
        }
        return rows;
    }

    private Reconciler reconciler() throws SQLException {
        return Reconciler.open(url("?topology=multi-master&conflictTables=registry"), credentials());
    }

    @Test
    void divergedMastersAreBroughtToTheLatestVersionOfEveryKeyOnceAndADryRunChangesNothing() throws Exception {
        createOnBoth("create table registry (id int primary key, stage varchar(40) not null,"
                + " _hlc bigint not null default 0, _origin varchar(64) not null default '')");
        long base = HlcTimestamp.ofMillis(System.currentTimeMillis());
        try (Connection seed = rawMaster(0)) {
            for (int id = 0; id < SEEDED; id++) {
                write(seed, "m0", id, "seeded", base + id, true);
            }
        }
        awaitReplication();
        try (Connection m0 = rawMaster(0);
                Connection m1 = rawMaster(1)) {
            keepToItself(m0);
            keepToItself(m1);
            for (int id = 0; id < 30; id++) { // both masters update keys 10..19; each alone the rest
                if (id < 20) {
                    write(m0, "m0", id, "m0 update", base + 1_000 + id * 7 % 13, false);
                }
                if (id >= 10) {
                    write(m1, "m1", id, "m1 update", base + 1_000 + id * 5 % 11, false);
                }
            }
            write(m0, "m0", 20, "same stamp", base + 5_000, false); // a tie: the origin decides
            write(m1, "m1", 20, "same stamp", base + 5_000, false);
            for (int id = SEEDED; id < SEEDED + 5; id++) { // a key inserted on both, and keys on one only
                write(m1, "m1", id, "m1 insert", base + 2_000 + id, true);
            }
            write(m0, "m0", SEEDED, "m0 insert", base + 9_000, true);
        }
        Map<Integer, String> before0 = rows(0, "registry");
        Map<Integer, String> before1 = rows(1, "registry");
        assertThat(before0).isNotEqualTo(before1);

        try (Reconciler reconciler = reconciler()) {
            TableReport dry = reconciler.reconcile("registry", true, null);
            assertThat(dry.keysDecided()).as("keys the masters disagree on").isEqualTo(35);
            assertThat(dry.repairs()).isPositive();
            assertThat(rows(0, "registry")).as("a dry run changes nothing").isEqualTo(before0);
            assertThat(rows(1, "registry")).isEqualTo(before1);

            List<int[]> progress = new ArrayList<>();
            TableReport done =
                    reconciler.reconcile("registry", false, (table, at, of) -> progress.add(new int[] {at, of}));
            assertThat(done.keysDecided()).isEqualTo(35);
            assertThat(done.keysRefused()).isZero();
            assertThat(progress)
                    .isNotEmpty()
                    .last()
                    .satisfies(p -> assertThat(p[0]).isEqualTo(p[1]));
            awaitReplication();
            assertThat(rows(0, "registry"))
                    .as("master 0 holds the model's rows")
                    .isEqualTo(model);
            assertThat(rows(1, "registry"))
                    .as("master 1 holds the model's rows")
                    .isEqualTo(model);
            try (Connection m0 = rawMaster(0);
                    Statement statement = m0.createStatement();
                    ResultSet count = statement.executeQuery(
                            "select count(*) from junction_conflict_log where table_name = 'registry'")) {
                count.next();
                assertThat(count.getInt(1)).as("one log row per decision").isEqualTo(35);
            }

            TableReport again = reconciler.reconcile("registry", false, null);
            assertThat(again.nothingToDo())
                    .as("a second run finds nothing to do")
                    .isTrue();
            assertThat(again.bucketsApart()).isZero();
        }
    }

    @Test
    void aTableWhoseDefinitionDiffersBetweenTheMastersIsRefusedAndNothingChanges() throws Exception {
        createOnBoth("create table mismatched (id int primary key, stage varchar(40),"
                + " _hlc bigint not null default 0, _origin varchar(64) not null default '')");
        alterOne(1, "alter table mismatched add column note varchar(10)");
        try (Reconciler reconciler = reconciler()) {
            assertThatThrownBy(() -> reconciler.reconcile("mismatched", false, null))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("55000");
                        assertThat(e.getErrorCode()).isEqualTo(91043);
                        assertThat(e.getMessage()).contains("mismatched", "differs between masters", "note");
                    });
            assertThatThrownBy(() -> reconciler.reconcile("no_such_table", false, null))
                    .hasMessageContaining("has no such table");
        }
    }
}
