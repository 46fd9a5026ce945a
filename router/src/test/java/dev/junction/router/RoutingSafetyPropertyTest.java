package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The router's central promise, checked over thousands of generated statements: a statement that
 * writes, locks, calls a side-effect or user function or holds several statements never goes to a
 * replica, whatever comments, whitespace, case, quoting and hints surround it; and the same
 * decoration does not stop a plain read from being recognised. The hostile shapes are among them:
 * MariaDB's SET STATEMENT ... FOR a write, writes and calls in executable comments, a user function
 * in every clause, PostgreSQL attribute notation and user operators, SET with a computed value.
 */
class RoutingSafetyPropertyTest {

    private static final List<String> PRIMARY_ONLY_COMMON = List.of(
            "INSERT INTO accounts ( balance ) VALUES ( 'S' )",
            "INSERT INTO t SELECT * FROM accounts",
            "UPDATE accounts SET balance = 'S' WHERE id = ?",
            "UPDATE t SET update = 1 WHERE for = ?",
            "DELETE FROM accounts WHERE id = ?",
            "SELECT balance FROM accounts WHERE id = ? FOR UPDATE",
            "SELECT * FROM accounts FOR SHARE",
            "SELECT * FROM t WHERE id IN ( SELECT id FROM accounts FOR UPDATE )",
            "SELECT 1 ; DELETE FROM accounts",
            "SELECT id FROM t ; SELECT id FROM accounts",
            "SELECT my_func ( ? ) FROM t",
            "WITH x AS ( SELECT id FROM t ) DELETE FROM accounts WHERE id IN ( SELECT id FROM x )",
            "CREATE TABLE t ( id INT )",
            "DROP TABLE accounts",
            "TRUNCATE accounts",
            "CALL do_things ( ? )",
            "SELECT * FROM t WHERE id = 1 FOR UPDATE NOWAIT",
            "SELECT * FROM t FOR UPDATE SKIP LOCKED",
            // a user function in every clause
            "SELECT f_user ( a ) FROM t",
            "SELECT a FROM t WHERE f_user ( a ) = 1",
            "SELECT a , count ( * ) FROM t GROUP BY a HAVING f_user ( count ( * ) ) > 1",
            "SELECT count ( * ) FROM t GROUP BY f_user ( a )",
            "SELECT a FROM t ORDER BY f_user ( a )",
            "SELECT ( SELECT f_user ( b ) FROM accounts ) FROM t",
            "SELECT * FROM ( SELECT f_user ( b ) AS x FROM accounts ) s",
            "SELECT a FROM t WHERE a IN ( SELECT f_user ( b ) FROM accounts )",
            "SELECT a FROM t UNION SELECT f_user ( b ) FROM accounts",
            "SELECT a FROM t EXCEPT SELECT f_user ( b ) FROM accounts",
            "WITH c AS ( SELECT f_user ( a ) AS x FROM t ) SELECT x FROM c",
            "SELECT t . a FROM t JOIN accounts ON accounts . id = f_user ( t . a )",
            "SELECT CASE WHEN a > 0 THEN f_user ( a ) ELSE 0 END FROM t",
            "SELECT row_number ( ) OVER ( PARTITION BY f_user ( a ) ORDER BY b ) FROM t",
            "VALUES ( f_user ( 1 ) )",
            "SELECT a FROM t LIMIT f_user ( 1 )",
            "SELECT a FROM t WHERE EXISTS ( SELECT 1 FROM accounts WHERE f_user ( accounts . b ) = t . a )");

    private static final List<String> PRIMARY_ONLY_POSTGRES = List.of(
            "SELECT * FROM accounts FOR NO KEY UPDATE OF accounts SKIP LOCKED",
            "SELECT * FROM accounts FOR KEY SHARE NOWAIT",
            "SELECT nextval ( 'S' )",
            "SELECT id , pg_advisory_lock ( 1 ) FROM t",
            "SELECT * FROM t WHERE pg_try_advisory_xact_lock ( id )",
            "SELECT setval ( 'S' , 1 )",
            "SELECT txid_current ( )",
            "SELECT set_config ( 'S' , 'S' , false )",
            "SELECT currval ( 'S' ) , lastval ( )",
            "WITH x AS ( DELETE FROM accounts RETURNING * ) SELECT * FROM x",
            "WITH x AS ( UPDATE accounts SET balance = 0 RETURNING id ) SELECT count ( * ) FROM x",
            "SELECT * INTO t FROM accounts",
            "INSERT INTO t ( id ) VALUES ( ? ) ON CONFLICT ( id ) DO UPDATE SET id = EXCLUDED . id RETURNING *",
            "EXPLAIN ANALYZE UPDATE t SET id = 1",
            "EXPLAIN UPDATE t SET id = 1",
            "MERGE INTO t USING accounts ON t . id = accounts . id WHEN MATCHED THEN DELETE",
            "UPDATE t SET id = accounts . id FROM accounts WHERE t . x = accounts . x",
            "DELETE FROM t USING accounts WHERE t . id = accounts . id",
            "COPY t FROM STDIN",
            "CREATE TEMP TABLE scratch ( id INT )",
            "SELECT pg_is_in_recovery ( )",
            "SELECT pg_current_wal_lsn ( )",
            "DO 'S'",
            "VACUUM t",
            "LOCK TABLE t IN EXCLUSIVE MODE",
            "SELECT * FROM t , pg_stat_activity",
            "SELECT id FROM t WHERE x = nextval ( 'S' ) ORDER BY id FETCH FIRST 1 ROW WITH TIES",
            // attribute notation, operators that are not built in, COPY, computed SET values
            "SELECT ( t ) . writer_row FROM t",
            "SELECT ( t . * ) . writer_row FROM t",
            "SELECT ( x ) . a FROM ( SELECT ROW ( 1 ) x ) s",
            "SELECT a FROM t WHERE ( t . addr ) . city = ?",
            "SELECT 1 ### 2",
            "SELECT * FROM accounts WHERE balance *= ?",
            "SELECT * FROM t WHERE a OPERATOR ( myschema . ### ) b",
            "SELECT a FROM t ORDER BY a USING ~~>",
            "COPY t TO STDOUT",
            "COPY ( SELECT * FROM accounts ) TO STDOUT",
            "SET app.x = f ( )",
            "SET SESSION app.x = ( SELECT max ( id ) FROM t )",
            "SELECT a FROM t ORDER BY a LIMIT f_user ( 1 )",
            "SELECT count ( * ) FILTER ( WHERE f_user ( a ) ) FROM t",
            "SELECT a FROM t WHERE a = f_user ( b ) :: int",
            "COMMIT PREPARED 'S'");

    private static final List<String> PRIMARY_ONLY_MYSQL = List.of(
            "SELECT * FROM accounts LOCK IN SHARE MODE",
            "REPLACE INTO accounts VALUES ( ? )",
            "INSERT IGNORE INTO accounts ( id ) VALUES ( ? )",
            "INSERT INTO accounts ( id ) VALUES ( ? ) ON DUPLICATE KEY UPDATE id = VALUES ( id )",
            "INSERT INTO accounts SET id = 1",
            "UPDATE accounts JOIN t ON t . id = accounts . id SET accounts . balance = 1",
            "DELETE accounts FROM accounts JOIN t ON t . id = accounts . id",
            "UPDATE t SET id = 1 ORDER BY id LIMIT 1",
            "SELECT GET_LOCK ( 'S' , 1 )",
            "SELECT LAST_INSERT_ID ( )",
            "SELECT FOUND_ROWS ( )",
            "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1",
            "SELECT id INTO @v FROM t",
            "SELECT @n := @n + 1 FROM t",
            "SELECT * FROM t /*!40000 FOR UPDATE */",
            "SELECT @@read_only",
            "SELECT NEXT VALUE FOR seq",
            "SELECT * FROM t FOR SHARE OF t SKIP LOCKED",
            "SET GLOBAL read_only = 1",
            "LOCK TABLES t WRITE",
            "SELECT * FROM performance_schema . threads",
            "LOAD DATA INFILE 'S' INTO TABLE t",
            // MariaDB SET STATEMENT ... FOR, executable comments, computed SET values, ANALYZE, XA
            "SET STATEMENT max_statement_time = 10 FOR INSERT INTO t VALUES ( 1 )",
            "SET STATEMENT sql_log_bin = 0 FOR DELETE FROM accounts WHERE id = ?",
            "SET STATEMENT max_statement_time = 5 , sql_log_bin = 0 FOR UPDATE accounts SET balance = 1",
            "SET STATEMENT max_statement_time = 5 FOR SELECT * FROM t FOR UPDATE",
            "SET STATEMENT max_statement_time = f_limit ( ) FOR SELECT * FROM t",
            "/*!INSERT INTO t VALUES ( 1 ) */",
            "/*!50001 INSERT INTO t VALUES ( 1 ) */",
            "SELECT 1 /*M! , f_mod ( 'S' ) */",
            "SELECT 1 /*M!100500 , f_mod ( 1 ) */",
            "SELECT * FROM t /*M! WHERE f_w ( ) = 1 */",
            "SELECT * FROM t /*!50001 FOR UPDATE */",
            "SELECT f_write /*!99999 + */ ( 1 )",
            "SELECT f_write /*M! + */ ( 1 )",
            "SELECT 1 /*! ; DELETE FROM accounts */",
            "SELECT json ( a ) FROM t",
            "SET SESSION sql_mode = ( SELECT f ( ) )",
            "SET @@sql_mode = f_mode ( )",
            "SET @@session.sql_mode = concat ( f_mode ( ) , 'S' )",
            "SET @v = ( SELECT max ( id ) FROM t )",
            "ANALYZE SELECT f_user ( a ) FROM t",
            "ANALYZE FORMAT = JSON SELECT f_user ( a ) FROM t",
            "ANALYZE UPDATE t SET a = 1",
            "XA START 'S'",
            "XA COMMIT 'S' ONE PHASE",
            "XA RECOVER",
            "INSERT INTO t VALUES ( 1 ) ON DUPLICATE KEY UPDATE b = f_user ( b )");

    private static final List<String> PLAIN_READS = List.of(
            "SELECT balance FROM accounts WHERE id = ?",
            "SELECT count ( * ) FROM accounts WHERE balance > ? ORDER BY id LIMIT 10",
            "SELECT a . id , t . x FROM accounts a JOIN t ON t . id = a . id WHERE a . name = 'S'",
            "WITH x AS ( SELECT id FROM t ) SELECT * FROM x",
            "SELECT update , select FROM t WHERE for = 'S'",
            "SELECT coalesce ( max ( id ) , 0 ) FROM t",
            "SELECT * FROM t WHERE name LIKE 'S' AND id IN ( SELECT id FROM accounts )");

    private static final List<String> PLAIN_READS_POSTGRES = List.of(
            "SELECT * FROM t WHERE tags @> ? AND name ~* 'S' AND j ->> 'S' = 'S'",
            "SELECT a :: int , b || c FROM t WHERE d <-> e < 1 ORDER BY f <=> ? LIMIT 5",
            "SELECT relname FROM pg_class WHERE relname OPERATOR ( pg_catalog . ~ ) 'S'",
            "SELECT t . a , s . t . b FROM s . t");

    private static final List<String> PLAIN_READS_MYSQL = List.of(
            "SET STATEMENT max_statement_time = 5 FOR SELECT * FROM t",
            "SELECT /*!40001SQL_NO_CACHE*/ * FROM t WHERE id = ?",
            "ANALYZE SELECT * FROM t WHERE a = 'S'",
            "SELECT CONVERT ( a , DECIMAL ( 10 , 2 ) ) FROM t");

    private static final long NOW = 0L;
    private static final NodeId REPLICA = NodeId.of("r1", 5432);
    private static final TopologySnapshot HEALTHY = TopologySnapshot.of(
            List.of(
                    NodeState.primary(NodeId.of("p", 5432)),
                    NodeState.replica(REPLICA, Duration.ZERO),
                    NodeState.replica(NodeId.of("r2", 5432), Duration.ZERO)),
            NOW);
    /** The most permissive options: any staleness, no read-your-writes, wait rather than fall back. */
    private static final RoutingOptions PERMISSIVE = RoutingOptions.DEFAULTS
            .withReadConsistency(ReadConsistency.EVENTUAL)
            .withMaxReplicaLag(Duration.ofHours(1))
            .withStaleReadFallback(StaleReadFallback.WAIT);

    private static final List<SessionState> SESSIONS = List.of(
            SessionState.autoCommitSession(),
            SessionState.builder().autoCommit(false).readOnly(true).build(),
            SessionState.builder()
                    .autoCommit(false)
                    .readOnly(true)
                    .inTransactionOn(REPLICA)
                    .build(),
            SessionState.builder().autoCommit(false).optimisticStart(true).build(),
            SessionState.builder().autoCommit(false).inTransactionOn(REPLICA).build());

    private static final StatementClassifier POSTGRES = StatementClassifier.create(Dialect.POSTGRESQL);
    private static final StatementClassifier MYSQL = StatementClassifier.create(Dialect.MYSQL);
    private static final RoutingPolicy POLICY = RoutingPolicy.create(() -> NOW, () -> new Random(5));

    @Property(tries = 3000)
    void neverRoutesAPostgresWriteLockOrSideEffectToAReplica(@ForAll("primaryOnlyPostgres") String sql) {
        assertPrimaryOnly(POSTGRES, sql);
    }

    @Property(tries = 3000)
    void neverRoutesAMysqlWriteLockOrSideEffectToAReplica(@ForAll("primaryOnlyMysql") String sql) {
        assertPrimaryOnly(MYSQL, sql);
    }

    @Property(tries = 1000)
    void recognisesDecoratedPostgresReadsAsPlainReads(@ForAll("plainReadsPostgres") String sql) {
        assertThat(POSTGRES.classify(sql).replicaEligible()).as(sql).isTrue();
    }

    @Property(tries = 1000)
    void recognisesDecoratedMysqlReadsAsPlainReads(@ForAll("plainReadsMysql") String sql) {
        assertThat(MYSQL.classify(sql).replicaEligible()).as(sql).isTrue();
    }

    @Property(tries = 2000)
    void classifiesAnyTextWithoutThrowingAndOnlyReadsAreEligible(@ForAll String text) {
        for (StatementClassifier c : List.of(POSTGRES, MYSQL)) {
            Classification result = c.classify(text);
            if (result.replicaEligible()) {
                assertThat(result.kind()).isIn(StatementKind.READ, StatementKind.UTILITY_READ);
            }
        }
    }

    @Property(tries = 1000)
    void neverRoutesAnyTextContainingAnUnquotedWriteToAReplica(
            @ForAll("plainReadsPostgres") String read, @ForAll("primaryOnlyPostgres") String write) {
        assertPrimaryOnly(POSTGRES, read + ";\n" + write);
        assertPrimaryOnly(POSTGRES, write + "; " + read);
    }

    private static void assertPrimaryOnly(StatementClassifier classifier, String sql) {
        Classification c = classifier.classify(sql);
        assertThat(c.replicaEligible()).as("eligible: %s -> %s", sql, c).isFalse();
        for (SessionState session : SESSIONS) {
            RouteDecision d =
                    POLICY.route(new RoutingRequest(c, session, HEALTHY, PERMISSIVE, ReplicaRequirement.NONE));
            assertThat(d.target()).as("%s in %s -> %s (%s)", sql, session, d, c).isEqualTo(RouteTarget.PRIMARY);
        }
    }

    private static Arbitrary<String> decorated(List<String> templates, Dialect dialect) {
        return Combinators.combine(Arbitraries.of(templates), Arbitraries.longs())
                .as((template, seed) -> DecoratedSql.render(template, dialect, seed));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Provide
    Arbitrary<String> primaryOnlyPostgres() {
        return decorated(concat(PRIMARY_ONLY_COMMON, PRIMARY_ONLY_POSTGRES), Dialect.POSTGRESQL);
    }

    @Provide
    Arbitrary<String> primaryOnlyMysql() {
        return decorated(concat(PRIMARY_ONLY_COMMON, PRIMARY_ONLY_MYSQL), Dialect.MYSQL);
    }

    @Provide
    Arbitrary<String> plainReadsPostgres() {
        return decorated(concat(PLAIN_READS, PLAIN_READS_POSTGRES), Dialect.POSTGRESQL);
    }

    @Provide
    Arbitrary<String> plainReadsMysql() {
        return decorated(concat(PLAIN_READS, PLAIN_READS_MYSQL), Dialect.MYSQL);
    }
}
