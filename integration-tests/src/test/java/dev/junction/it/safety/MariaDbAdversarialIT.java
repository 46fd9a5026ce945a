package dev.junction.it.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11, "no write ever runs on a replica", on MariaDB: statements that write although they look like reads
 * (a function resolved in another database, a data-access clause that lies or is missing, a view over a writing
 * function, a write inside {@code SET STATEMENT … FOR}, an executable comment, a transaction opened in SQL text…)
 * run through Junction with the result the raw driver gives on the primary, their writes land on the primary, and
 * the replica executes none of them.
 *
 * <p>Two replica configurations, each a nested class with its own cluster: {@code read_only=1} with an application
 * account granted {@code ALL PRIVILEGES} (on MariaDB 10.11 that includes READ_ONLY ADMIN, so {@code read_only}
 * does not stop it), and {@code read_only=0}, MariaDB's default, with the ordinary application account. In both
 * the replica accepts whatever the driver sends it, so only routing keeps writes off it.
 *
 * <p>Each case runs twice on identical fresh fixtures (objects and rows named by a per-run tag): once through
 * the backend driver of the Junction URL on the primary (MySQL Connector/J or MariaDB Connector/J: they differ, e.g.
 * MariaDB's sends {@code setReadOnly(true)} to the server, MySQL's does not to a server reporting 5.5.5), the
 * reference, then through Junction (URL listing the replica first) once the replica
 * demonstrably serves Junction's plain reads. The case passes when both runs leave equal {@link Transcript}s, add
 * the same rows on the primary, the replica has executed no write of its own, and replication still runs.
 *
 * <p>The replica-write detector has two parts, both read as root on the replica, and proved by
 * {@code theDetectorSeesWritesRunDirectlyOnTheReplica}:
 * <ol>
 *   <li>{@link MariaDbNode#ownBinlogGtids()}: the replica's {@code @@gtid_binlog_state} entries with its own server
 *       id. With {@code --log-slave-updates}, applied events keep the primary's server id in the replica's binary
 *       log, so this list changes exactly when the replica commits a binlogged write of its own.
 *       {@code @@gtid_binlog_pos} would not do: it keeps one GTID per domain, and the next replicated transaction
 *       replaces the replica's own.</li>
 *   <li>every audit table has a column {@code at_server DEFAULT (@@server_id)}, evaluated where the INSERT runs
 *       (row-based replication copies the primary's value): a row stamped with the replica's server id was written
 *       on the replica, also with {@code sql_log_bin=0}, which leaves no GTID.</li>
 * </ol>
 */
class MariaDbAdversarialIT {
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ROUTING_PATIENCE = Duration.ofSeconds(5);

    /** What the primary holds before any case; functions are created as root with binary logging on. */
    private static final String[] FIXTURE = {
        "CREATE DATABASE appdb",
        "CREATE DATABASE otherdb",
        "CREATE TABLE appdb.audit (note VARCHAR(100) NOT NULL, at_server INT NOT NULL DEFAULT (@@server_id))",
        "CREATE TABLE otherdb.audit (note VARCHAR(100) NOT NULL, at_server INT NOT NULL DEFAULT (@@server_id))",
        "CREATE TABLE appdb.items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO appdb.items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
        "CREATE FUNCTION appdb.f_same(x VARCHAR(100)) RETURNS VARCHAR(20) READS SQL DATA RETURN 'app'",
        "CREATE FUNCTION otherdb.f_same(x VARCHAR(100)) RETURNS VARCHAR(20) MODIFIES SQL DATA"
                + " BEGIN INSERT INTO otherdb.audit(note) VALUES (x); RETURN 'other'; END",
        "CREATE FUNCTION appdb.f_mod(x VARCHAR(100)) RETURNS INT MODIFIES SQL DATA"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 1; END",
        // No clause: CONTAINS SQL, which says nothing about writing.
        "CREATE FUNCTION appdb.f_default(x VARCHAR(100)) RETURNS INT"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 5; END",
        "CREATE FUNCTION appdb.f_nosql(x VARCHAR(100)) RETURNS INT NO SQL"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 6; END",
        "CREATE FUNCTION appdb.f_contains(x VARCHAR(100)) RETURNS INT CONTAINS SQL"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 7; END",
        // MariaDB does not check the clause: a function may claim to read only and insert.
        "CREATE FUNCTION appdb.f_lying(x VARCHAR(100)) RETURNS INT READS SQL DATA"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 8; END",
        "CREATE PROCEDURE appdb.p_insert(x VARCHAR(100)) MODIFIES SQL DATA INSERT INTO appdb.audit(note) VALUES (x)",
        "CREATE FUNCTION appdb.f_calls_proc(x VARCHAR(100)) RETURNS INT READS SQL DATA BEGIN CALL appdb.p_insert(x); RETURN 9; END",
        "CREATE FUNCTION appdb.f_calls_writer(x VARCHAR(100)) RETURNS INT READS SQL DATA RETURN appdb.f_mod(x) + 9",
        "CREATE FUNCTION appdb.f_mod_str(x VARCHAR(100)) RETURNS VARCHAR(100) MODIFIES SQL DATA"
                + " BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'; END",
    };

    /** Every case; each ends with a plain read, which is where a session's replayed state reaches the replica. */
    private static List<AdversarialCase> cases() {
        List<AdversarialCase> cases = new ArrayList<>();
        // A function is resolved in the session's database, which the catalog lookup must use too.
        cases.add(AdversarialCase.of(
                "USE otherdb, then unqualified f_same() (otherdb.f_same writes, appdb.f_same is pure)",
                t -> t.sql("USE otherdb").sql("SELECT f_same('{tag}')").sql("SELECT DATABASE()")));
        cases.add(AdversarialCase.of(
                "setCatalog(otherdb), then unqualified f_same()",
                t -> t.call("setCatalog(otherdb)", () -> t.connection().setCatalog("otherdb"))
                        .sql("SELECT f_same('{tag}')")
                        .value("getCatalog()", () -> t.connection().getCatalog())));
        cases.add(AdversarialCase.of(
                "qualified otherdb.f_same() from appdb",
                t -> t.sql("SELECT otherdb.f_same('{tag}')").sql("SELECT 1")));
        // The data-access clause proves nothing on MariaDB.
        cases.add(AdversarialCase.of(
                "function without data-access clause (CONTAINS SQL) that inserts",
                t -> t.sql("SELECT f_default('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "NO SQL function that inserts",
                t -> t.sql("SELECT f_nosql('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "CONTAINS SQL function that inserts",
                t -> t.sql("SELECT f_contains('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "READS SQL DATA function that inserts",
                t -> t.sql("SELECT f_lying('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "function that calls a procedure that inserts",
                t -> t.sql("SELECT f_calls_proc('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "function that calls a writing function",
                t -> t.sql("SELECT f_calls_writer('{tag}')").sql("SELECT 1")));
        // Views hide the function from the statement.
        cases.add(AdversarialCase.withSetup(
                "view over a writing function",
                List.of("CREATE VIEW appdb.v_mod_{tag} AS SELECT appdb.f_mod('{tag}') AS z"),
                t -> t.sql("SELECT * FROM v_mod_{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.withSetup(
                "view over a view over a writing function",
                List.of(
                        "CREATE VIEW appdb.v_mod_{tag} AS SELECT appdb.f_mod('{tag}') AS z",
                        "CREATE VIEW appdb.v_nested_{tag} AS SELECT z FROM appdb.v_mod_{tag}"),
                t -> t.sql("SELECT * FROM v_nested_{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.withSetup(
                "view joining a table and a writing function",
                List.of("CREATE VIEW appdb.v_join_{tag} AS SELECT i.id, appdb.f_mod('{tag}') AS z FROM appdb.items i"),
                t -> t.sql("SELECT COUNT(*), SUM(z) FROM v_join_{tag}").sql("SELECT 1")));
        // Session commands that carry a write.
        cases.add(AdversarialCase.of(
                "SET STATEMENT max_statement_time=10 FOR INSERT",
                t -> t.sql("SET STATEMENT max_statement_time=10 FOR INSERT INTO audit(note) VALUES ('{tag}')")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "SET STATEMENT sql_log_bin=0 FOR INSERT (not replicated, still on the primary)",
                t -> t.sql("SET STATEMENT sql_log_bin=0 FOR INSERT INTO audit(note) VALUES ('{tag}')")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "SET SESSION sql_mode = (SELECT writing function)",
                t -> t.sql("SET SESSION sql_mode = (SELECT f_mod_str('{tag}'))")
                        .sql("SELECT @@SESSION.sql_mode")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "SET @v = writing function",
                t -> t.sql("SET @v = f_mod('{tag}')").sql("SELECT @v").sql("SELECT 1")));
        // A writing function anywhere in a SELECT.
        cases.add(AdversarialCase.of(
                "writing function in WHERE",
                t -> t.sql("SELECT COUNT(*) FROM items WHERE f_mod('{tag}') = 1")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in HAVING",
                t -> t.sql("SELECT COUNT(*) FROM items HAVING f_mod('{tag}') = 1")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in a scalar subquery",
                t -> t.sql("SELECT (SELECT f_mod('{tag}'))").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in an IN subquery",
                t -> t.sql("SELECT name FROM items WHERE id IN (SELECT f_mod('{tag}'))")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in a UNION branch",
                t -> t.sql("SELECT 0 UNION ALL SELECT f_mod('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in a CTE",
                t -> t.sql("WITH w AS (SELECT f_mod('{tag}') AS z) SELECT z FROM w")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function in a VALUES table constructor",
                t -> t.sql("VALUES (f_mod('{tag}'))").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function inside a /*M! */ executable comment",
                t -> t.sql("SELECT 1 /*M!, f_mod('{tag}') */").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function inside a /*! */ executable comment",
                t -> t.sql("SELECT 1 /*!, f_mod('{tag}') */").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "writing function inside a versioned /*M!100000 */ comment",
                t -> t.sql("SELECT 1 /*M!100000 , f_mod('{tag}') */").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "ANALYZE SELECT writing function",
                t -> t.sql("ANALYZE SELECT f_mod('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "DO writing function", t -> t.sql("DO f_default('{tag}')").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "EXECUTE IMMEDIATE of a writing SELECT",
                t -> t.sql("EXECUTE IMMEDIATE 'SELECT f_mod(?)' USING '{tag}'").sql("SELECT 1")));
        // Transactions opened in SQL text: the count must see the insert, in the same transaction, on the primary, and
        // getAutoCommit() must say that a transaction is open (Connector/J itself keeps answering true: it does not
        // follow the server's status flag, so this is a claim on Junction, not a comparison).
        for (String autocommitOff :
                List.of("SET autocommit=0", "SET @@autocommit = 0", "SET SESSION autocommit = OFF")) {
            cases.add(AdversarialCase.of(
                    autocommitOff + "; INSERT; SELECT COUNT(*) sees it; COMMIT",
                    t -> t.sql(autocommitOff)
                            .sql("INSERT INTO audit(note) VALUES ('{tag}')")
                            .sql("SELECT COUNT(*) FROM audit WHERE note = '{tag}'")
                            .expect(
                                    "getAutoCommit() after " + autocommitOff,
                                    false,
                                    () -> t.connection().getAutoCommit())
                            .sql("COMMIT")
                            // The next transaction may start on a replica (transactionRouting=learned), and under
                            // readConsistency=eventual that replica need not have replayed the commit yet (no
                            // read-your-writes there, by design): the check that the commit happened reads on the
                            // primary.
                            .sql("/* junction:primary */ SELECT COUNT(*) FROM audit WHERE note = '{tag}'")
                            .sql("SET autocommit=1")
                            .expect(
                                    "getAutoCommit() after SET autocommit=1",
                                    true,
                                    () -> t.connection().getAutoCommit())));
        }
        cases.add(AdversarialCase.of(
                "XA START; INSERT; SELECT COUNT(*) sees it; XA END, PREPARE, COMMIT",
                t -> t.sql("XA START '{tag}'")
                        .sql("INSERT INTO audit(note) VALUES ('{tag}')")
                        .sql("SELECT COUNT(*) FROM audit WHERE note = '{tag}'")
                        .sql("XA END '{tag}'")
                        .sql("XA PREPARE '{tag}'")
                        .sql("XA COMMIT '{tag}'")
                        // After XA COMMIT the session is back in auto-commit: under readConsistency=eventual a read may
                        // go to a replica that has not replayed the commit yet (no read-your-writes there, by design),
                        // so the check that the commit happened reads on the primary.
                        .sql("/* junction:primary */ SELECT COUNT(*) FROM audit WHERE note = '{tag}'")));
        // A read-only transaction: the server refuses the write, wherever it runs; it must not commit on the replica.
        cases.add(new AdversarialCase(
                "setAutoCommit(false), setReadOnly(true), SELECT writing function",
                List.of(),
                t -> t.call("setAutoCommit(false)", () -> t.connection().setAutoCommit(false))
                        .call("setReadOnly(true)", () -> t.connection().setReadOnly(true))
                        .sql("SELECT f_mod('{tag}')")
                        .call("commit()", () -> t.connection().commit()),
                AdversarialCase.Expectation.REFUSED_OR_ON_THE_PRIMARY));
        cases.add(new AdversarialCase(
                "setAutoCommit(false), setReadOnly(true), SELECT READS SQL DATA function that inserts",
                List.of(),
                t -> t.call("setAutoCommit(false)", () -> t.connection().setAutoCommit(false))
                        .call("setReadOnly(true)", () -> t.connection().setReadOnly(true))
                        .sql("SELECT f_lying('{tag}')")
                        .call("commit()", () -> t.connection().commit()),
                AdversarialCase.Expectation.REFUSED_OR_ON_THE_PRIMARY));
        // Prepared statements and batches.
        cases.add(AdversarialCase.of(
                "prepared SELECT f_default(?)",
                t -> t.prepared("SELECT f_default(?)", "{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "prepared SELECT f_lying(?)",
                t -> t.prepared("SELECT f_lying(?)", "{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "prepared SELECT otherdb.f_same(?)",
                t -> t.prepared("SELECT otherdb.f_same(?)", "{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "USE otherdb, then prepared SELECT f_same(?)",
                t -> t.sql("USE otherdb").prepared("SELECT f_same(?)", "{tag}").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "prepared SELECT with a writing function in WHERE",
                t -> t.prepared("SELECT COUNT(*) FROM items WHERE f_mod(?) = 1", "{tag}")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.withSetup(
                "prepared SELECT from a view over a writing function",
                List.of("CREATE VIEW appdb.v_mod_{tag} AS SELECT appdb.f_mod('{tag}') AS z"),
                t -> t.prepared("SELECT z FROM v_mod_{tag} WHERE z = ?", "1").sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "prepared SET STATEMENT … FOR INSERT",
                t -> t.prepared("SET STATEMENT max_statement_time=10 FOR INSERT INTO audit(note) VALUES (?)", "{tag}")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "batch with USE otherdb, then unqualified f_same()",
                t -> t.batch("USE otherdb", "SET @unused = 1")
                        .sql("SELECT f_same('{tag}')")
                        .sql("SELECT 1")));
        cases.add(AdversarialCase.of(
                "prepared batch of SET STATEMENT … FOR INSERT",
                t -> t.preparedBatch(
                                "SET STATEMENT max_statement_time=10 FOR INSERT INTO audit(note) VALUES (?)",
                                "{tag}",
                                "{tag}")
                        .sql("SELECT 1")));
        return cases;
    }

    /** Rows in the two audit tables. */
    private record AuditRows(long app, long other) {
        AuditRows minus(AuditRows earlier) {
            return new AuditRows(app - earlier.app, other - earlier.other);
        }

        @Override
        public String toString() {
            return "appdb.audit " + app + ", otherdb.audit " + other;
        }
    }

    /** What the replica has written itself, by the two parts of the detector. */
    private record ReplicaWrites(List<String> ownGtids, long stampedRows) {
        @Override
        public String toString() {
            return "own GTIDs " + ownGtids + ", rows stamped with its server id " + stampedRows;
        }
    }

    @Nested
    @DisplayName("replica read_only=1, application account with ALL PRIVILEGES, MySQL Connector/J")
    class ReadOnlyReplicaWithAllPrivileges extends Contract {
        ReadOnlyReplicaWithAllPrivileges() {
            super(true, MariaDbNode.PRIVILEGED_USER, MariaDbNode.PRIVILEGED_PASSWORD, "mysql");
        }
    }

    @Nested
    @DisplayName("replica read_only=0 (MariaDB's default), ordinary application account, MariaDB Connector/J")
    class WritableReplica extends Contract {
        WritableReplica() {
            super(false, MariaDbNode.APPLICATION_USER, MariaDbNode.APPLICATION_PASSWORD, "mariadb");
        }
    }

    /** The checks, against one cluster whose replica accepts writes from the application account. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract {
        private final boolean replicaReadOnly;
        private final String user;
        private final String password;
        /** {@code mysql} (MySQL Connector/J) or {@code mariadb} (MariaDB Connector/J): the Junction URL's backend. */
        private final String backend;

        private MariaDbCluster cluster;
        private MariaDbNode primary;
        private MariaDbNode replica;

        Contract(boolean replicaReadOnly, String user, String password, String backend) {
            this.replicaReadOnly = replicaReadOnly;
            this.user = user;
            this.password = password;
            this.backend = backend;
        }

        @BeforeAll
        void startCluster() {
            cluster = MariaDbCluster.primaryReplica()
                    .replicaReadOnly(replicaReadOnly)
                    .setting("--log-bin-trust-function-creators=1")
                    .setting("--innodb-lock-wait-timeout=5")
                    .start();
            primary = cluster.primary();
            replica = cluster.replicas().get(0);
            primary.execute(FIXTURE);
            awaitReplicaCaughtUp();
            assertThat(replica.queryString("SELECT @@read_only")).isEqualTo(replicaReadOnly ? "1" : "0");
        }

        @AfterAll
        void stopCluster() {
            if (cluster != null) {
                cluster.close();
            }
        }

        private String junctionUrl(String parameters) {
            return "jdbc:junction:" + backend + "://" + replica.address() + "," + primary.address() + "/appdb"
                    + (backend.equals("mariadb")
                            ? "?sslMode=disable"
                            : "?sslMode=DISABLED&allowPublicKeyRetrieval=true")
                    + parameters;
        }

        private Connection connectThroughJunction(String parameters) throws SQLException {
            return DriverManager.getConnection(junctionUrl(parameters), user, password);
        }

        private Connection connectToThePrimary() throws SQLException {
            String url = backend.equals("mariadb")
                    ? "jdbc:mariadb://" + primary.address() + "/appdb?sslMode=disable"
                    : primary.jdbcUrl("appdb");
            return DriverManager.getConnection(url, user, password);
        }

        /**
         * Role detection: Junction works at all, sends a plain read to the replica and a write to the primary. With
         * {@code read_only=0} both nodes report {@code @@read_only = 0}; the replica is the one that replicates.
         */
        @Test
        void junctionSendsPlainReadsToTheReplicaAndWritesToThePrimary() throws SQLException {
            ReplicaWrites before = replicaWrites();
            try (Connection connection = connectThroughJunction("");
                    Statement statement = connection.createStatement()) {
                assertThat(portOfAPlainReadOnceTheReplicaServesIt(connection))
                        .as("port of SELECT @@port")
                        .isEqualTo(replica.port());
                statement.executeUpdate("INSERT INTO audit(note) VALUES ('role detection')");
            }
            assertThat(primary.queryString("SELECT at_server FROM appdb.audit WHERE note = 'role detection'"))
                    .isEqualTo(Integer.toString(primary.serverId()));
            awaitReplicaCaughtUp();
            assertThat(replicaWrites()).isEqualTo(before);
        }

        /**
         * The guard behind the classifier: a function Junction has seen read-only is replaced, outside Junction, by one
         * that inserts. Junction's cached answer sends the next call to the replica, whose connection is read-only at
         * the server (every account, {@code ALL PRIVILEGES} included): the replica refuses it before the function runs,
         * and the auto-commit call runs on the primary instead, invisibly. Inside a read-only transaction the refusal
         * reaches the application. The replica writes nothing either way.
         */
        @Test
        void aMisjudgedCallIsRefusedByTheReplicaAndRunsOnThePrimary() throws SQLException {
            String function = "f_changes_" + (replicaReadOnly ? "ro" : "rw");
            primary.execute(
                    "CREATE FUNCTION appdb." + function + "(x VARCHAR(100)) RETURNS INT READS SQL DATA RETURN 1");
            awaitReplicaCaughtUp();
            ReplicaWrites before = replicaWrites();
            try (Connection connection = connectThroughJunction("&readConsistency=eventual")) {
                JunctionConnection junction = connection.unwrap(JunctionConnection.class);
                long deadline = System.nanoTime() + ROUTING_PATIENCE.toNanos();
                do {
                    assertThat(single(connection, "SELECT " + function + "('warm')"))
                            .isEqualTo("1");
                } while (!junction.lastNode().endsWith("replica") && System.nanoTime() < deadline);
                assertThat(junction.lastNode())
                        .as("a proved read-only function runs on the replica")
                        .endsWith("replica");

                primary.execute(
                        "DROP FUNCTION appdb." + function,
                        "CREATE FUNCTION appdb." + function
                                + "(x VARCHAR(100)) RETURNS INT READS SQL DATA BEGIN INSERT INTO appdb.audit(note) VALUES (x); RETURN 2; END");
                awaitReplicaCaughtUp();

                assertThat(single(connection, "SELECT " + function + "('guarded " + function + "')"))
                        .isEqualTo("2");
                assertThat(junction.lastNode())
                        .as("refused by the replica, run on the primary")
                        .endsWith("primary");

                connection.setReadOnly(true);
                connection.setAutoCommit(false);
                SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                        SQLException.class,
                        () -> single(connection, "SELECT " + function + "('read-only " + function + "')"));
                assertThat((Throwable) refused)
                        .as("a write in a read-only transaction")
                        .isNotNull();
                assertThat(refused.getErrorCode()).isEqualTo(1792);
                connection.rollback();
            }
            assertThat(primary.queryString("SELECT COUNT(*) FROM appdb.audit WHERE note = 'guarded " + function + "'"))
                    .isEqualTo("1");
            assertThat(primary.queryString(
                            "SELECT COUNT(*) FROM appdb.audit WHERE note = 'read-only " + function + "'"))
                    .isEqualTo("0");
            awaitReplicaCaughtUp();
            assertThat(replicaWrites()).as("the replica wrote nothing").isEqualTo(before);
            assertThat(replicationProblems()).isEmpty();
        }

        private static String single(Connection connection, String sql) throws SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(sql)) {
                assertThat(rows.next()).as(sql).isTrue();
                return rows.getString(1);
            }
        }

        /**
         * The detector itself: writes run directly on the replica with the raw driver are seen, a binlogged one
         * (own GTID and a stamped row) even after the primary's next transaction has replaced it in
         * {@code @@gtid_binlog_pos}, and one with {@code sql_log_bin=0} (stamped row only). Replication survives both.
         */
        @Test
        void theDetectorSeesWritesRunDirectlyOnTheReplica() throws SQLException {
            ReplicaWrites before = replicaWrites();
            try (Connection direct = replica.connectAsPrivilegedUser();
                    Statement statement = direct.createStatement()) {
                statement.executeUpdate("INSERT INTO appdb.audit(note) VALUES ('detector: binlogged, on the replica')");
            }
            ReplicaWrites afterBinlogged = replicaWrites();
            assertThat(afterBinlogged.ownGtids()).isNotEqualTo(before.ownGtids());
            assertThat(afterBinlogged.ownGtids()).anyMatch(gtid -> gtid.startsWith("0-" + replica.serverId() + "-"));
            assertThat(afterBinlogged.stampedRows()).isEqualTo(before.stampedRows() + 1);

            primary.execute("INSERT INTO appdb.audit(note) VALUES ('detector: on the primary')");
            awaitReplicaCaughtUp();
            assertThat(replica.gtidBinlogPos())
                    .as("@@gtid_binlog_pos forgets the replica's own write")
                    .doesNotContain("0-" + replica.serverId() + "-");
            assertThat(replicaWrites()).as("the detector does not").isEqualTo(afterBinlogged);

            try (Connection direct = replica.connectAsPrivilegedUser();
                    Statement statement = direct.createStatement()) {
                statement.executeUpdate(
                        "SET STATEMENT sql_log_bin=0 FOR INSERT INTO otherdb.audit(note) VALUES ('detector: unlogged')");
            }
            ReplicaWrites afterUnlogged = replicaWrites();
            assertThat(afterUnlogged.ownGtids()).isEqualTo(afterBinlogged.ownGtids());
            assertThat(afterUnlogged.stampedRows()).isEqualTo(afterBinlogged.stampedRows() + 1);
            assertThat(replicationProblems()).isEmpty();
        }

        @TestFactory
        Stream<DynamicTest> noCaseWritesOnTheReplica() {
            List<DynamicTest> tests = new ArrayList<>();
            List<AdversarialCase> cases = cases();
            for (Map.Entry<String, String> consistency :
                    List.of(Map.entry("global", ""), Map.entry("eventual", "&readConsistency=eventual"))) {
                for (int i = 0; i < cases.size(); i++) {
                    AdversarialCase c = cases.get(i);
                    String id = "c" + i + (replicaReadOnly ? "ro" : "rw")
                            + consistency.getKey().charAt(0);
                    tests.add(DynamicTest.dynamicTest(
                            "[" + consistency.getKey() + "] " + c.name(),
                            () -> check(c, id, consistency.getKey(), consistency.getValue())));
                }
            }
            return tests.stream();
        }

        private void check(AdversarialCase c, String id, String consistency, String parameters) throws SQLException {
            String rawTag = id + "_raw";
            String junctionTag = id + "_jct";
            primary.execute(c.setupFor(rawTag));
            primary.execute(c.setupFor(junctionTag));

            AuditRows start = auditRowsOnThePrimary();
            Transcript raw;
            try (Connection connection = connectToThePrimary()) {
                raw = new Transcript(connection, rawTag);
                c.script().run(raw);
            }
            AuditRows rawAdded = auditRowsOnThePrimary().minus(start);

            List<String> problems = new ArrayList<>();
            awaitReplicaCaughtUp();
            String precondition = replicaServesPlainReads(parameters);
            if (precondition != null) {
                problems.add(precondition);
            }
            ReplicaWrites replicaBefore = replicaWrites();
            start = auditRowsOnThePrimary();
            Transcript junction;
            try (Connection connection = connectThroughJunction(parameters)) {
                junction = new Transcript(connection, junctionTag);
                c.script().run(junction);
            }
            AuditRows junctionAdded = auditRowsOnThePrimary().minus(start);
            try {
                awaitReplicaCaughtUp();
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
            ReplicaWrites replicaAfter = replicaWrites();
            problems.addAll(replicationProblems());
            rollBackPreparedXaTransactions();

            if (!replicaAfter.equals(replicaBefore)) {
                problems.add("THE REPLICA WROTE: " + replicaBefore + " -> " + replicaAfter);
            }
            boolean sameTranscript = raw.entries().equals(junction.entries());
            boolean sameRows = rawAdded.equals(junctionAdded);
            if (c.expectation() == AdversarialCase.Expectation.REFUSED_OR_ON_THE_PRIMARY) {
                boolean ranOnThePrimary = !junction.hasErrors() && junctionAdded.equals(new AuditRows(1, 0));
                if (!(sameTranscript && sameRows) && !ranOnThePrimary) {
                    problems.add("neither refused like the raw driver nor run on the primary: raw " + raw.entries()
                            + " added " + rawAdded + "; Junction " + junction.entries() + " added " + junctionAdded
                            + " " + junction.errorMessages());
                }
            } else {
                if (!sameTranscript) {
                    problems.add("results differ:\n    raw      " + raw.entries() + "\n    Junction "
                            + junction.entries()
                            + (junction.hasErrors() ? "\n    Junction errors " + junction.errorMessages() : ""));
                }
                if (!sameRows) {
                    problems.add("rows added on the primary differ: raw " + rawAdded + ", Junction " + junctionAdded);
                }
            }
            problems.addAll(junction.violations());
            String title = "case \"" + c.name() + "\" [" + consistency + ", replica read_only="
                    + (replicaReadOnly ? 1 : 0) + ", user " + user + "]";
            if (!problems.isEmpty()) {
                System.out.println("FAILED " + title + ":\n  - " + String.join("\n  - ", problems));
                fail(title + ":\n  - " + String.join("\n  - ", problems));
            }
            System.out.println("ok     " + title + ": Junction " + junction.entries() + ", added " + junctionAdded
                    + (raw.violations().isEmpty() ? "" : "; the raw driver breaks claims: " + raw.violations()));
        }

        /**
         * Waits until Junction sends a plain read of {@code appdb.audit} to the replica, at most 5 s, so that every case
         * starts where the replica would take a read: under {@code global} consistency, until the replica has applied
         * every write made through Junction (the cases write through functions, which Junction cannot attribute to a
         * table, so each of their commits counts against every table) and a probe has shown it. No user function in
         * it: a driver may well send every MariaDB function to the primary, since their data-access clause proves
         * nothing. Null when it does, else why not.
         */
        private String replicaServesPlainReads(String parameters) {
            long deadline = System.nanoTime() + ROUTING_PATIENCE.toNanos();
            String last;
            try (Connection connection = connectThroughJunction(parameters);
                    Statement statement = connection.createStatement()) {
                do {
                    try (ResultSet rows = statement.executeQuery("SELECT @@port, COUNT(*) FROM appdb.audit")) {
                        rows.next();
                        if (rows.getInt(1) == replica.port()) {
                            return null;
                        }
                        last = "served by port " + rows.getInt(1);
                    }
                } while (System.nanoTime() < deadline);
            } catch (SQLException e) {
                last = e.getSQLState() + " " + e.getMessage();
            }
            return "precondition: Junction did not send the plain read SELECT @@port, COUNT(*) FROM appdb.audit to the replica within "
                    + ROUTING_PATIENCE.toSeconds() + " s (" + last + ")";
        }

        private int portOfAPlainReadOnceTheReplicaServesIt(Connection connection) throws SQLException {
            long deadline = System.nanoTime() + ROUTING_PATIENCE.toNanos();
            try (Statement statement = connection.createStatement()) {
                int port;
                do {
                    try (ResultSet rows = statement.executeQuery("SELECT @@port")) {
                        rows.next();
                        port = rows.getInt(1);
                    }
                } while (port != replica.port() && System.nanoTime() < deadline);
                return port;
            }
        }

        private AuditRows auditRowsOnThePrimary() {
            String counts = primary.queryString(
                    "SELECT CONCAT((SELECT COUNT(*) FROM appdb.audit), ',', (SELECT COUNT(*) FROM otherdb.audit))");
            String[] parts = counts.split(",");
            return new AuditRows(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }

        private ReplicaWrites replicaWrites() {
            long stamped = Long.parseLong(
                    replica.queryString("SELECT (SELECT COUNT(*) FROM appdb.audit WHERE at_server = @@server_id)"
                            + " + (SELECT COUNT(*) FROM otherdb.audit WHERE at_server = @@server_id)"));
            return new ReplicaWrites(replica.ownBinlogGtids(), stamped);
        }

        /** Whether both replication threads run without an error (a write on the replica may break them: 1062). */
        private List<String> replicationProblems() {
            Map<String, String> status = replica.replicationStatus();
            List<String> problems = new ArrayList<>();
            if (!"Yes".equals(status.get("Slave_SQL_Running")) || !"0".equals(status.get("Last_SQL_Errno"))) {
                problems.add("replication SQL thread: running " + status.get("Slave_SQL_Running") + ", error "
                        + status.get("Last_SQL_Errno") + " " + status.get("Last_SQL_Error"));
            }
            if (!"Yes".equals(status.get("Slave_IO_Running"))) {
                problems.add("replication IO thread: running " + status.get("Slave_IO_Running") + ", error "
                        + status.get("Last_IO_Errno") + " " + status.get("Last_IO_Error"));
            }
            return problems;
        }

        /** Waits until the replica has applied the primary's binary log; fails at once if replication stopped. */
        private void awaitReplicaCaughtUp() {
            List<String> problems = replicationProblems();
            if (!problems.isEmpty()) {
                throw new AssertionError("the replica does not replicate: " + problems);
            }
            String target = primary.gtidBinlogPos();
            if (target != null && !target.isEmpty()) {
                try {
                    replica.awaitGtid(target, CATCH_UP_TIMEOUT);
                } catch (RuntimeException e) {
                    throw new AssertionError("the replica did not catch up: " + e.getMessage(), e);
                }
            }
        }

        /** A case whose XA transaction Junction left prepared must not hold locks into the next case. */
        private void rollBackPreparedXaTransactions() throws SQLException {
            for (MariaDbNode node : cluster.nodes()) {
                try (Connection connection = node.connect();
                        Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_log_bin = 0");
                    List<String> xids = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery("XA RECOVER")) {
                        while (rows.next()) {
                            xids.add(rows.getString("data"));
                        }
                    }
                    for (String xid : xids) {
                        statement.execute("XA ROLLBACK '" + xid.replace("'", "''") + "'");
                    }
                }
            }
        }
    }
}
