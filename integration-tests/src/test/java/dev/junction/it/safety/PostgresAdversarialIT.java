package dev.junction.it.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Issue 11, "no write ever runs on a replica", on PostgreSQL: statements that write although they look like reads
 * (a function resolved through {@code search_path}, a view over a volatile function or {@code nextval}, attribute
 * notation, a user-defined operator, {@code SET transaction_read_only}, {@code COPY}) succeed through Junction with
 * the result the raw driver gives on the primary, and their writes land on the primary. A standby refuses every
 * write itself (SQLState 25006), so here a write sent to a standby shows as a failed statement: today several do.
 *
 * <p>Each case runs twice on identical fresh fixtures: through PgJDBC on the primary (the reference), then through
 * Junction over the primary and two standbys (URL listing the standbys first), once the standbys demonstrably
 * serve Junction's plain reads; both under the default {@code global} consistency and under {@code eventual}.
 * The case passes when both runs leave equal {@link Transcript}s and add the same rows on the primary.
 */
class PostgresAdversarialIT {
    private static final Duration ROUTING_PATIENCE = Duration.ofSeconds(5);

    private static final String[] FIXTURE = {
        "create table audit (note text not null)",
        "create table items (id int primary key, name text)",
        "insert into items values (1, 'one'), (2, 'two'), (3, 'three')",
        "create function server_port() returns int language sql stable as 'select inet_server_port()'",
        "create schema other",
        "create function public.f_ro(x text) returns text language sql stable as $$ select 'public'::text $$",
        "create function other.f_ro(x text) returns text language plpgsql volatile"
                + " as $$ begin insert into public.audit(note) values (x); return 'other'; end $$",
        "create function public.f_vol(x text) returns int language plpgsql volatile"
                + " as $$ begin insert into public.audit(note) values (x); return 1; end $$",
        "create function public.op_write(a int, b int) returns int language plpgsql volatile"
                + " as $$ begin insert into public.audit(note) values ('operator ###'); return a + b; end $$",
        "create operator ### (leftarg = int, rightarg = int, function = public.op_write)",
    };

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);

    private static PostgresCluster cluster;
    private static PostgresNode primary;
    private static Set<Integer> standbyPorts;
    private static String junctionUrl;
    /** Held open for the whole class: a PostgreSQL connection costs a fork, and each case needs several questions. */
    private static Connection primaryAdmin;

    private static List<Connection> standbyAdmins;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        primary = cluster.primary();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        List<String> seeds = new ArrayList<>(
                cluster.standbys().stream().map(PostgresNode::address).toList());
        seeds.add(primary.address());
        junctionUrl = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
        primary.execute(FIXTURE);
        cluster.awaitReplication();
        try {
            primaryAdmin = primary.connect();
            standbyAdmins = new ArrayList<>();
            for (PostgresNode standby : cluster.standbys()) {
                standbyAdmins.add(standby.connect());
            }
        } catch (SQLException e) {
            throw new AssertionError("could not connect to the cluster's nodes", e);
        }
    }

    @AfterAll
    static void stopCluster() throws SQLException {
        if (standbyAdmins != null) {
            for (Connection connection : standbyAdmins) {
                connection.close();
            }
        }
        if (primaryAdmin != null) {
            primaryAdmin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Connection connectThroughJunction(String parameters) throws SQLException {
        return DriverManager.getConnection(junctionUrl + parameters, "postgres", "");
    }

    private static List<AdversarialCase> cases() {
        List<AdversarialCase> cases = new ArrayList<>();
        // A function is resolved through the session's search_path, which the catalog lookup must use too.
        cases.add(AdversarialCase.of(
                "SET search_path = other, public; unqualified f_ro() (other.f_ro is volatile and inserts)",
                t -> t.sql("SET search_path = other, public")
                        .sql("select f_ro('{tag}')")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "setSchema(other); unqualified f_ro()",
                t -> t.call("setSchema(other)", () -> t.connection().setSchema("other"))
                        .sql("select f_ro('{tag}')")
                        .value("getSchema()", () -> t.connection().getSchema())
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "set_config('search_path', 'other, public', false); unqualified f_ro()",
                t -> t.sql("select set_config('search_path', 'other, public', false)")
                        .sql("select f_ro('{tag}')")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "schema-qualified other.f_ro()",
                t -> t.sql("select other.f_ro('{tag}')").sql("select 1")));
        // Views hide the function from the statement.
        cases.add(AdversarialCase.withSetup(
                "view over a volatile inserting function",
                List.of("create view v_vol_{tag} as select f_vol('{tag}') as z"),
                t -> t.sql("select * from v_vol_{tag}").sql("select 1")));
        cases.add(AdversarialCase.withSetup(
                "view over nextval()",
                List.of("create sequence seq_{tag}", "create view v_seq_{tag} as select nextval('seq_{tag}') as n"),
                t -> t.sql("select * from v_seq_{tag}").sql("select 1")));
        cases.add(AdversarialCase.withSetup(
                "view over a view over a volatile inserting function",
                List.of(
                        "create view v_vol_{tag} as select f_vol('{tag}') as z",
                        "create view v_nested_{tag} as select z from v_vol_{tag}"),
                t -> t.sql("select * from v_nested_{tag}").sql("select 1")));
        cases.add(AdversarialCase.withSetup(
                "view joining a table and a volatile inserting function",
                List.of("create view v_join_{tag} as select i.id, f_vol('{tag}') as z from items i"),
                t -> t.sql("select count(*), sum(z) from v_join_{tag}").sql("select 1")));
        // A function call that does not look like one.
        cases.add(AdversarialCase.withSetup(
                "attribute notation (t).writer_row for a volatile inserting writer_row(t)",
                List.of(
                        "create table t_{tag} (id int)",
                        "insert into t_{tag} values (1)",
                        "create function writer_row(t_{tag}) returns int language plpgsql volatile"
                                + " as $$ begin insert into public.audit(note) values ('{tag}'); return 1; end $$"),
                t -> t.sql("select (t).writer_row from t_{tag} t").sql("select 1")));
        cases.add(AdversarialCase.of(
                "user-defined operator ### backed by a volatile inserting function",
                t -> t.sql("select 1 ### 2").sql("select 1")));
        // Session commands a standby refuses.
        cases.add(AdversarialCase.of(
                "SET transaction_read_only = off in auto-commit",
                t -> t.sql("SET transaction_read_only = off").sql("select 1").sql("select count(*) from items")));
        cases.add(AdversarialCase.of(
                "SET default_transaction_read_only = off in auto-commit",
                t -> t.sql("SET default_transaction_read_only = off")
                        .sql("select 1")
                        .sql("select count(*) from items")));
        // COPY through PgJDBC's CopyManager, on the backend connection Junction unwraps to.
        cases.add(AdversarialCase.of(
                "COPY (select 1) TO STDOUT through CopyManager",
                t -> t.value(
                                "copyOut COPY (select 1) TO STDOUT",
                                () -> copyOut(t.connection(), "COPY (select 1) TO STDOUT"))
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "COPY (select volatile inserting function) TO STDOUT through CopyManager",
                t -> t.value(
                                "copyOut COPY (select f_vol) TO STDOUT",
                                () -> copyOut(t.connection(), "COPY (select f_vol('" + t.tag() + "')) TO STDOUT"))
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "COPY audit FROM STDIN through CopyManager",
                t -> t.value(
                                "copyIn COPY audit (note) FROM STDIN",
                                () -> copyIn(
                                        t.connection(),
                                        "COPY audit (note) FROM STDIN",
                                        t.tag() + "\n" + t.tag() + "\n"))
                        // Under readConsistency=eventual a read right after a write may go to a standby that has not
                        // replayed it (no read-your-writes there, by design): the check reads on the primary.
                        .sql("/* junction:primary */ select count(*) from audit where note = '{tag}'")));
        // A volatile function anywhere in a read (the catalog says volatile: these must stay on the primary).
        cases.add(AdversarialCase.of(
                "volatile inserting function in WHERE",
                t -> t.sql("select count(*) from items where f_vol('{tag}') = 1")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "volatile inserting function in a scalar subquery",
                t -> t.sql("select (select f_vol('{tag}'))").sql("select 1")));
        cases.add(AdversarialCase.of(
                "volatile inserting function in a CTE",
                t -> t.sql("with w as (select f_vol('{tag}') as z) select z from w")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "volatile inserting function in a VALUES list",
                t -> t.sql("select z from (values (f_vol('{tag}'))) v(z)").sql("select 1")));
        // Prepared statements and batches.
        cases.add(AdversarialCase.of(
                "prepared select other.f_ro(?)",
                t -> t.prepared("select other.f_ro(?)", "{tag}").sql("select 1")));
        cases.add(AdversarialCase.of(
                "SET search_path = other, public; prepared select f_ro(?)",
                t -> t.sql("SET search_path = other, public")
                        .prepared("select f_ro(?)", "{tag}")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "setSchema(other); prepared select f_ro(?)",
                t -> t.call("setSchema(other)", () -> t.connection().setSchema("other"))
                        .prepared("select f_ro(?)", "{tag}")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "prepared set_config('search_path', ?, false); prepared select f_ro(?)",
                t -> t.prepared("select set_config('search_path', ?, false)", "other, public")
                        .prepared("select f_ro(?)", "{tag}")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "batch [SET search_path = other, public]; unqualified f_ro()",
                t -> t.batch("SET search_path = other, public")
                        .sql("select f_ro('{tag}')")
                        .sql("select 1")));
        cases.add(AdversarialCase.withSetup(
                "prepared select from a view over a volatile inserting function",
                List.of("create view v_vol_{tag} as select f_vol('{tag}') as z"),
                t -> t.prepared("select z from v_vol_{tag} where z = cast(? as int)", "1")
                        .sql("select 1")));
        cases.add(AdversarialCase.withSetup(
                "prepared select with attribute notation",
                List.of(
                        "create table t_{tag} (id int)",
                        "insert into t_{tag} values (1)",
                        "create function writer_row(t_{tag}) returns int language plpgsql volatile"
                                + " as $$ begin insert into public.audit(note) values ('{tag}'); return 1; end $$"),
                t -> t.prepared("select (t).writer_row from t_{tag} t where t.id = cast(? as int)", "1")
                        .sql("select 1")));
        cases.add(AdversarialCase.of(
                "prepared select ? ### 2",
                t -> t.prepared("select cast(? as int) ### 2", "1").sql("select 1")));
        cases.add(AdversarialCase.of(
                "prepared batch of insert … where f_ro(?) (search_path other, public)",
                t -> t.sql("SET search_path = other, public")
                        .preparedBatch(
                                "insert into public.items (id, name) select -1, 'never' where f_ro(?) = 'public'",
                                "{tag}",
                                "{tag}")
                        .sql("select f_ro('{tag}')")));
        // A read-only transaction: a write in it is refused by the server on any node.
        cases.add(new AdversarialCase(
                "setAutoCommit(false), setReadOnly(true), select volatile inserting function",
                List.of(),
                t -> t.call("setAutoCommit(false)", () -> t.connection().setAutoCommit(false))
                        .call("setReadOnly(true)", () -> t.connection().setReadOnly(true))
                        .sql("select f_vol('{tag}')")
                        .call("rollback()", () -> t.connection().rollback()),
                AdversarialCase.Expectation.REFUSED_OR_ON_THE_PRIMARY));
        return cases;
    }

    private static String copyOut(Connection connection, String sql) throws SQLException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        StringWriter out = new StringWriter();
        try {
            copy.copyOut(sql, out);
        } catch (IOException e) {
            throw new SQLException(e);
        }
        return out.toString().replace("\n", "\\n");
    }

    private static long copyIn(Connection connection, String sql, String data) throws SQLException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        try {
            return copy.copyIn(sql, new StringReader(data));
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }

    /** Role detection and the baseline the cases rest on: plain reads go to a standby, a write to the primary. */
    @Test
    void junctionSendsPlainReadsToAStandbyAndWritesToThePrimary() throws SQLException {
        assertThat(standbysServePlainReads("")).isNull();
        try (Connection connection = connectThroughJunction("");
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into audit(note) values ('role detection')");
        }
        assertThat(primary.queryString("select count(*) from audit where note = 'role detection'"))
                .isEqualTo("1");
    }

    /**
     * The guard behind the classifier: a function Junction has seen STABLE is replaced, outside Junction, by a
     * VOLATILE one that inserts. Junction's cached answer sends the next call to a standby, which refuses it (25006);
     * the auto-commit call then runs on the primary, invisibly. Inside a read-only transaction the refusal reaches
     * the application, as on a read-only primary.
     */
    @Test
    void aMisjudgedCallIsRefusedByTheStandbyAndRunsOnThePrimary() throws SQLException {
        primary.execute("create function f_changes(x text) returns int language sql stable as 'select 1'");
        cluster.awaitReplication();
        try (Connection connection = connectThroughJunction("?readConsistency=eventual")) {
            dev.junction.driver.JunctionConnection junction =
                    connection.unwrap(dev.junction.driver.JunctionConnection.class);
            long deadline = System.nanoTime() + ROUTING_PATIENCE.toNanos();
            do {
                assertThat(single(connection, "select f_changes('warm')")).isEqualTo("1");
            } while (!junction.lastNode().endsWith("replica") && System.nanoTime() < deadline);
            assertThat(junction.lastNode())
                    .as("a STABLE function runs on a standby")
                    .endsWith("replica");

            primary.execute("create or replace function f_changes(x text) returns int language sql volatile"
                    + " as 'insert into audit(note) values (x); select 2'");
            cluster.awaitReplication();

            assertThat(single(connection, "select f_changes('guarded')")).isEqualTo("2");
            assertThat(junction.lastNode())
                    .as("refused by the standby, run on the primary")
                    .endsWith("primary");

            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    SQLException.class, () -> single(connection, "select f_changes('read-only')"));
            assertThat((Throwable) refused)
                    .as("a write in a read-only transaction")
                    .isNotNull();
            assertThat(refused.getSQLState()).isEqualTo("25006");
            connection.rollback();
        }
        assertThat(primary.queryString("select count(*) from audit where note = 'guarded'"))
                .isEqualTo("1");
        assertThat(primary.queryString("select count(*) from audit where note = 'read-only'"))
                .isEqualTo("0");
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseRunsAsOnThePrimary() {
        List<DynamicTest> tests = new ArrayList<>();
        List<AdversarialCase> cases = cases();
        for (Map.Entry<String, String> consistency :
                List.of(Map.entry("global", ""), Map.entry("eventual", "?readConsistency=eventual"))) {
            for (int i = 0; i < cases.size(); i++) {
                AdversarialCase c = cases.get(i);
                String id = "c" + i + consistency.getKey().charAt(0);
                tests.add(DynamicTest.dynamicTest(
                        "[" + consistency.getKey() + "] " + c.name(),
                        () -> check(c, id, consistency.getKey(), consistency.getValue())));
            }
        }
        return tests.stream();
    }

    private static void check(AdversarialCase c, String id, String consistency, String parameters) throws SQLException {
        String rawTag = id + "_raw";
        String junctionTag = id + "_jct";
        try (Statement statement = primaryAdmin.createStatement()) {
            for (String sql : List.of(c.setupFor(rawTag), c.setupFor(junctionTag)).stream()
                    .flatMap(Stream::of)
                    .toList()) {
                statement.execute(sql);
            }
        }

        long start = auditRowsOnThePrimary();
        Transcript raw;
        try (Connection connection = DriverManager.getConnection(primary.jdbcUrl("postgres"), "postgres", "")) {
            raw = new Transcript(connection, rawTag);
            c.script().run(raw);
        }
        long rawAdded = auditRowsOnThePrimary() - start;

        List<String> problems = new ArrayList<>();
        awaitStandbysCaughtUp();
        String precondition = standbysServePlainReads(parameters);
        if (precondition != null) {
            problems.add(precondition);
        }
        start = auditRowsOnThePrimary();
        Transcript junction;
        try (Connection connection = connectThroughJunction(parameters)) {
            junction = new Transcript(connection, junctionTag);
            c.script().run(junction);
        }
        long junctionAdded = auditRowsOnThePrimary() - start;

        boolean sameTranscript = raw.entries().equals(junction.entries());
        if (c.expectation() == AdversarialCase.Expectation.REFUSED_OR_ON_THE_PRIMARY) {
            boolean ranOnThePrimary = !junction.hasErrors() && junctionAdded == 1;
            if (!(sameTranscript && rawAdded == junctionAdded) && !ranOnThePrimary) {
                problems.add("neither refused like the raw driver nor run on the primary: raw " + raw.entries()
                        + " added " + rawAdded + "; Junction " + junction.entries() + " added " + junctionAdded + " "
                        + junction.errorMessages());
            }
        } else {
            if (!sameTranscript) {
                problems.add("results differ:\n    raw      " + raw.entries() + "\n    Junction " + junction.entries()
                        + (junction.hasErrors() ? "\n    Junction errors " + junction.errorMessages() : ""));
            }
            if (rawAdded != junctionAdded) {
                problems.add("audit rows added on the primary differ: raw " + rawAdded + ", Junction " + junctionAdded);
            }
        }
        problems.addAll(junction.violations());
        String title = "case \"" + c.name() + "\" [" + consistency + "]";
        if (!problems.isEmpty()) {
            System.out.println("FAILED " + title + ":\n  - " + String.join("\n  - ", problems));
            fail(title + ":\n  - " + String.join("\n  - ", problems));
        }
        System.out.println(
                "ok     " + title + ": Junction " + junction.entries() + ", added " + junctionAdded + " audit rows");
    }

    private static long auditRowsOnThePrimary() throws SQLException {
        try (Statement statement = primaryAdmin.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from audit")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Waits until both standbys have replayed the primary's current WAL position (the setup DDL, the raw run). */
    private static void awaitStandbysCaughtUp() throws SQLException {
        String target;
        try (Statement statement = primaryAdmin.createStatement();
                ResultSet rows = statement.executeQuery("select pg_current_wal_lsn()")) {
            rows.next();
            target = rows.getString(1);
        }
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        for (Connection standby : standbyAdmins) {
            try (PreparedStatement replayed =
                    standby.prepareStatement("select pg_last_wal_replay_lsn() >= cast(? as pg_lsn)")) {
                replayed.setString(1, target);
                while (true) {
                    try (ResultSet rows = replayed.executeQuery()) {
                        rows.next();
                        if (rows.getBoolean(1)) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("a standby did not replay " + target + " within " + CATCH_UP_TIMEOUT);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
            }
        }
    }

    /**
     * Waits until Junction sends a read of a STABLE user function to a standby, at most 5 s (under {@code global}
     * consistency: until the standbys have replayed every write made through Junction and a probe has shown it).
     * Null when it does, else why not.
     */
    private static String standbysServePlainReads(String parameters) {
        long deadline = System.nanoTime() + ROUTING_PATIENCE.toNanos();
        String last;
        try (Connection connection = connectThroughJunction(parameters);
                Statement statement = connection.createStatement()) {
            do {
                try (ResultSet rows = statement.executeQuery("select server_port()")) {
                    rows.next();
                    if (standbyPorts.contains(rows.getInt(1))) {
                        return null;
                    }
                    last = "served by port " + rows.getInt(1);
                }
            } while (System.nanoTime() < deadline);
        } catch (SQLException e) {
            last = e.getSQLState() + " " + e.getMessage();
        }
        return "precondition: Junction did not send the plain read select server_port() to a standby within "
                + ROUTING_PATIENCE.toSeconds() + " s (" + last + ")";
    }
}
