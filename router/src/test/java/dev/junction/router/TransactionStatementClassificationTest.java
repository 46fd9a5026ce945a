package dev.junction.router;

import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RoutingFixture.REPLICA_A;
import static dev.junction.router.RoutingFixture.mysql;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.SessionEffect.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Transaction control: XA, the variants of BEGIN, chained commits, MySQL's implicit commits. */
class TransactionStatementClassificationTest {

    private final StatementClassifier postgres = StatementClassifier.create(Dialect.POSTGRESQL);
    private final StatementClassifier mysql = StatementClassifier.create(Dialect.MYSQL);

    private static final SessionState READ_ONLY_TRANSACTION_ON_A_REPLICA = SessionState.builder()
            .autoCommit(false)
            .readOnly(true)
            .inTransactionOn(REPLICA_A)
            .build();

    @Nested
    class Xa {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '"',
                nullValues = "null",
                value = {
                    "XA START 'x1'|XA_START|'x1'|null",
                    "xa begin 'x1', 'b1', 7|XA_START|'x1', 'b1', 7|null",
                    "XA START 'x1' JOIN|XA_START|'x1'|join",
                    "XA START 'x1' RESUME|XA_START|'x1'|resume",
                    "XA END 'x1'|XA_END|'x1'|null",
                    "XA END 'x1' SUSPEND|XA_END|'x1'|suspend",
                    "XA END 'x1' SUSPEND FOR MIGRATE|XA_END|'x1'|suspend for migrate",
                    "XA PREPARE 'x1'|XA_PREPARE|'x1'|null",
                    "XA COMMIT 'x1'|XA_COMMIT|'x1'|null",
                    "XA COMMIT X'0A0B' ONE PHASE|XA_COMMIT|X'0A0B'|one phase",
                    "xa rollback 'x1'|XA_ROLLBACK|'x1'|null"
                })
        void givesEachXaStatementItsOwnKind(String sql, Kind kind, String xid, String options) {
            Classification c = mysql.classify(sql);
            assertThat(c.kind()).isEqualTo(StatementKind.TRANSACTION);
            assertThat(c.sessionEffect()).isEqualTo(SessionEffect.of(kind, xid, options));
            assertThat(c.replicaEligible()).isFalse();
        }

        @Test
        void readsXaRecoverAsANodeSpecificRead() {
            Classification c = mysql.classify("XA RECOVER CONVERT XID");
            assertThat(c.kind()).isEqualTo(StatementKind.UTILITY_READ);
            assertThat(c.nodeSpecific()).isTrue();
            assertThat(c.sessionEffect()).isEqualTo(SessionEffect.of(Kind.XA_RECOVER, null, "convert xid"));
            assertThat(c.replicaEligible()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"XA START", "XA FROB 'x'", "XA START 'x' NOW", "XA PREPARE 'x' ONE PHASE", "XA"})
        void treatsMalformedXaAsUnknown(String sql) {
            assertThat(mysql.classify(sql).kind()).isEqualTo(StatementKind.UNKNOWN);
        }

        @Test
        void keepsTwoPhaseForPostgresPreparedTransactionsOnly() {
            for (String sql :
                    new String[] {"prepare transaction 'tx-1'", "commit prepared 'tx-1'", "rollback prepared 'tx-1'"}) {
                Classification c = postgres.classify(sql);
                assertThat(c.sessionEffect().kind()).as(sql).isEqualTo(Kind.TWO_PHASE);
                assertThat(c.replicaEligible()).as(sql).isFalse();
            }
            assertThat(postgres.classify("xa start 'x'").kind()).isEqualTo(StatementKind.UNKNOWN);
            assertThat(mysql.classify("commit prepared 'x'").kind()).isEqualTo(StatementKind.UNKNOWN);
        }

        @Test
        void neverFollowsAReadOnlyTransactionToItsReplica() {
            for (String xa : new String[] {
                "XA START 'x'", "XA END 'x'", "XA PREPARE 'x'", "XA COMMIT 'x'", "XA ROLLBACK 'x'", "XA RECOVER"
            }) {
                mysql(xa).in(READ_ONLY_TRANSACTION_ON_A_REPLICA).routesTo(PRIMARY);
            }
            sql("commit prepared 'x'").in(READ_ONLY_TRANSACTION_ON_A_REPLICA).routesTo(PRIMARY);
            mysql("COMMIT").in(READ_ONLY_TRANSACTION_ON_A_REPLICA).routesTo(RouteTarget.REPLICA);
        }
    }

    @Nested
    class TransactionStarts {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "MYSQL|BEGIN|BEGIN",
                    "MYSQL|BEGIN WORK|BEGIN",
                    "MYSQL|START TRANSACTION|BEGIN",
                    "MYSQL|START TRANSACTION WITH CONSISTENT SNAPSHOT|BEGIN",
                    "MYSQL|START TRANSACTION READ ONLY|BEGIN_READ_ONLY",
                    "MYSQL|START TRANSACTION READ WRITE|BEGIN",
                    "MYSQL|START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY|BEGIN_READ_ONLY",
                    "MYSQL|START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT|BEGIN_READ_ONLY",
                    "MYSQL|START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY|BEGIN_READ_ONLY",
                    "MYSQL|BEGIN READ ONLY|BEGIN",
                    "POSTGRESQL|BEGIN|BEGIN",
                    "POSTGRESQL|BEGIN WORK|BEGIN",
                    "POSTGRESQL|BEGIN TRANSACTION|BEGIN",
                    "POSTGRESQL|BEGIN READ WRITE|BEGIN",
                    "POSTGRESQL|BEGIN READ ONLY|BEGIN_READ_ONLY",
                    "POSTGRESQL|BEGIN TRANSACTION READ ONLY|BEGIN_READ_ONLY",
                    "POSTGRESQL|START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY|BEGIN_READ_ONLY",
                    "POSTGRESQL|BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY|BEGIN_READ_ONLY",
                    "POSTGRESQL|BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY|BEGIN",
                    "POSTGRESQL|START TRANSACTION READ ONLY, READ WRITE|BEGIN"
                })
        void classifiesEveryVariantOfATransactionStart(Dialect dialect, String sql, Kind kind) {
            Classification c = StatementClassifier.create(dialect).classify(sql);
            assertThat(c.kind()).isEqualTo(StatementKind.TRANSACTION);
            assertThat(c.sessionEffect().kind()).isEqualTo(kind);
        }

        @Test
        void keepsTheOptionsAsWritten() {
            assertThat(postgres.classify("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY")
                            .sessionEffect()
                            .value())
                    .isEqualTo("isolation level serializable read only");
            assertThat(mysql.classify("START TRANSACTION WITH CONSISTENT SNAPSHOT")
                            .sessionEffect()
                            .value())
                    .isEqualTo("with consistent snapshot");
        }

        @Test
        void treatsMariaDbCompoundBlocksAsUnknown() {
            // BEGIN NOT ATOMIC ... END runs its statements like a stored procedure: not a transaction start.
            Classification block = mysql.classify("BEGIN NOT ATOMIC INSERT INTO t VALUES (1); END");
            assertThat(block.kind()).isEqualTo(StatementKind.UNKNOWN);
            assertThat(block.sessionEffect()).isNull();
            assertThat(block.replicaEligible()).isFalse();
            assertThat(mysql.classify("BEGIN NOT ATOMIC SELECT 1").kind()).isEqualTo(StatementKind.UNKNOWN);
        }
    }

    @Nested
    class Completions {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                nullValues = "null",
                value = {
                    "MYSQL|COMMIT|COMMIT|null",
                    "MYSQL|COMMIT WORK|COMMIT|null",
                    "MYSQL|COMMIT AND CHAIN|COMMIT|chain",
                    "MYSQL|COMMIT WORK AND CHAIN NO RELEASE|COMMIT|chain",
                    "MYSQL|COMMIT AND NO CHAIN|COMMIT|null",
                    "MYSQL|COMMIT WORK RELEASE|COMMIT|release",
                    "MYSQL|COMMIT AND NO CHAIN RELEASE|COMMIT|release",
                    "MYSQL|COMMIT NO RELEASE|COMMIT|null",
                    "MYSQL|ROLLBACK AND CHAIN|ROLLBACK|chain",
                    "MYSQL|ROLLBACK WORK RELEASE|ROLLBACK|release",
                    "POSTGRESQL|commit and chain|COMMIT|chain",
                    "POSTGRESQL|end transaction and chain|COMMIT|chain",
                    "POSTGRESQL|rollback and chain|ROLLBACK|chain",
                    "POSTGRESQL|abort and no chain|ROLLBACK|null"
                })
        void tellsAChainedCommitFromAPlainOne(Dialect dialect, String sql, Kind kind, String value) {
            SessionEffect effect =
                    StatementClassifier.create(dialect).classify(sql).sessionEffect();
            assertThat(effect).isEqualTo(SessionEffect.of(kind, null, value));
            assertThat(effect.chain()).isEqualTo("chain".equals(value));
            assertThat(effect.release()).isEqualTo("release".equals(value));
        }

        @Test
        void leavesRollbackToSavepointAlone() {
            assertThat(mysql.classify("rollback work to savepoint s1").sessionEffect())
                    .isEqualTo(SessionEffect.of(Kind.ROLLBACK_TO_SAVEPOINT, "s1", null));
        }
    }

    @Nested
    class ImplicitCommits {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "create table t (a int)",
                    "create table t2 as select * from t",
                    "create database d",
                    "create schema d",
                    "create view v as select 1",
                    "create or replace view v as select 1",
                    "create function f() returns int return 1",
                    "create procedure p() begin end",
                    "create trigger tr before insert on t for each row set @x = 1",
                    "create event e on schedule every 1 hour do delete from t",
                    "create index i on t (a)",
                    "create unique index i on t (a)",
                    "create user u",
                    "create role r",
                    "create sequence s",
                    "create server s foreign data wrapper mysql options (host 'h')",
                    "alter table t add c int",
                    "alter database d character set utf8mb4",
                    "alter view v as select 2",
                    "alter function f comment 'x'",
                    "alter procedure p comment 'x'",
                    "alter event e disable",
                    "alter user u account lock",
                    "alter sequence s restart",
                    "alter server s options (host 'x')",
                    "drop table t",
                    "drop table if exists t, u",
                    "drop database d",
                    "drop view v",
                    "drop function f",
                    "drop procedure p",
                    "drop trigger tr",
                    "drop event e",
                    "drop index i on t",
                    "drop user u",
                    "drop role r",
                    "drop sequence s",
                    "drop server s",
                    "rename table t to u",
                    "rename user a to b",
                    "truncate table t",
                    "truncate t",
                    "lock tables t write",
                    "lock table t read",
                    "unlock tables",
                    "grant select on t to u",
                    "revoke select on t from u",
                    "set password = 'x'",
                    "set password for u = 'x'",
                    "analyze table t",
                    "analyze no_write_to_binlog table t",
                    "optimize table t",
                    "optimize local table t",
                    "repair table t",
                    "check table t",
                    "cache index t in hot_cache",
                    "load index into cache t",
                    "flush tables",
                    "flush privileges",
                    "reset query cache",
                    "reset master",
                    "begin",
                    "begin work",
                    "start transaction",
                    "start transaction read only",
                    "set autocommit = 1",
                    "start slave",
                    "stop replica",
                    "change master to master_host = 'h'",
                    "install plugin p soname 'x.so'",
                    "uninstall plugin p",
                    "import table from '/tmp/t.sdi'",
                    "shutdown",
                    "/* leading */ create table t (a int)",
                    "create table t (a int); select 1"
                })
        void flagsMysqlStatementsThatCommitImplicitly(String sql) {
            assertThat(mysql.classify(sql).implicitCommit()).as(sql).isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "create temporary table t (a int)",
                    "create temporary table if not exists t select 1",
                    "drop temporary table t",
                    "drop temporary table if exists t",
                    "create or replace temporary table t (a int)",
                    "create function f returns string soname 'udf.so'",
                    "create aggregate function f returns integer soname 'udf.so'",
                    "select * from t",
                    "insert into t values (1)",
                    "update t set a = 1",
                    "delete from t",
                    "replace into t values (1)",
                    "load data infile 'x' into table t",
                    "call p()",
                    "set autocommit = 0",
                    "set autocommit = @x",
                    "set @a = 1",
                    "set session sql_mode = ''",
                    "commit",
                    "rollback",
                    "savepoint s",
                    "xa start 'x'",
                    "xa commit 'x'",
                    "explain create table t (a int)",
                    "analyze select * from t",
                    "checksum table t",
                    "reset persist",
                    "lock instance for backup",
                    "unlock instance",
                    "show tables",
                    "do 1",
                    "begin not atomic select 1"
                })
        void leavesOtherMysqlStatementsInTheTransaction(String sql) {
            assertThat(mysql.classify(sql).implicitCommit()).as(sql).isFalse();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "create table t (a int)",
                    "drop table t",
                    "alter table t add c int",
                    "truncate t",
                    "begin",
                    "start transaction",
                    "lock table t in exclusive mode",
                    "grant select on t to u",
                    "vacuum t",
                    "analyze t"
                })
        void neverFlagsPostgresStatements(String sql) {
            assertThat(postgres.classify(sql).implicitCommit()).as(sql).isFalse();
        }

        @Test
        void survivesTheCacheAndTheBuilder() {
            Classification c = mysql.classify("create table t (a int)");
            assertThat(mysql.classify("create table t (a int)")).isSameAs(c);
            assertThat(c.toBuilder().build()).isEqualTo(c);
            assertThat(c.toBuilder().build().implicitCommit()).isTrue();
            assertThat(Classification.builder(StatementKind.DDL)
                            .implicitCommit(true)
                            .build()
                            .implicitCommit())
                    .isTrue();
        }
    }
}
