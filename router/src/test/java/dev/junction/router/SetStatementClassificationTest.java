package dev.junction.router;

import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RouteTarget.REPLICA;
import static dev.junction.router.RoutingFixture.mysql;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.FunctionCatalog.Volatility;
import dev.junction.router.SessionEffect.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SET in its hostile forms: MariaDB's SET STATEMENT ... FOR, computed values, autocommit. */
class SetStatementClassificationTest {

    private final StatementClassifier postgres = StatementClassifier.create(Dialect.POSTGRESQL);
    private final StatementClassifier mysql = StatementClassifier.create(Dialect.MYSQL);

    @Nested
    class SetStatementFor {
        @Test
        void classifiesSetStatementForAWriteAsTheWrite() {
            for (String sql : new String[] {
                "SET STATEMENT max_statement_time=10 FOR INSERT INTO t VALUES (1)",
                "SET STATEMENT sql_log_bin=0 FOR INSERT INTO t VALUES (1)",
                "set statement max_statement_time = 1, sql_log_bin = 0 for update t set a = 1",
                "SET STATEMENT max_statement_time=10 FOR DELETE FROM t WHERE a IN (SELECT 1 FROM dual FOR UPDATE)"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.kind()).as(sql).isEqualTo(StatementKind.WRITE);
                assertThat(c.tablesWritten()).as(sql).containsExactly("t");
                assertThat(c.sessionEffect()).as(sql).isNull();
                assertThat(c.replicaEligible()).as(sql).isFalse();
            }
            mysql("SET STATEMENT sql_log_bin=0 FOR INSERT INTO t VALUES (1)").routesTo(PRIMARY, RouteReason.WRITE);
        }

        @Test
        void keepsSetStatementForAPlainReadEligible() {
            Classification c = mysql.classify("SET STATEMENT max_statement_time=5 FOR SELECT * FROM t");
            assertThat(c.kind()).isEqualTo(StatementKind.READ);
            assertThat(c.tablesRead()).containsExactly("t");
            assertThat(c.sessionEffect()).isNull();
            assertThat(c.replicaEligible()).isTrue();
            mysql("SET STATEMENT max_statement_time=5 FOR SELECT * FROM t").routesTo(REPLICA);
        }

        @Test
        void carriesTheInnerStatementsLockingReadsAndFunctions() {
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5 FOR SELECT * FROM t FOR UPDATE")
                            .lockingRead())
                    .isTrue();
            Classification f = mysql.classify("SET STATEMENT max_statement_time=5 FOR SELECT f_w(a) FROM t");
            assertThat(f.userFunctions()).containsExactly("f_w");
            assertThat(f.unverifiedFunctions()).containsExactly("f_w");
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5 FOR SELECT LAST_INSERT_ID()")
                            .sideEffectFunctions())
                    .containsExactly("last_insert_id");
        }

        @Test
        void recordsWhatTheValuesCall() {
            Classification c = mysql.classify("SET STATEMENT max_statement_time = f_limit() FOR SELECT * FROM t");
            assertThat(c.unverifiedFunctions()).containsExactly("f_limit");
            assertThat(c.replicaEligible()).isFalse();
            Classification sequence = mysql.classify("SET STATEMENT x = NEXT VALUE FOR s FOR SELECT * FROM t");
            assertThat(sequence.kind()).isEqualTo(StatementKind.READ);
            assertThat(sequence.sideEffectFunctions()).containsExactly("next value for");
            Classification subquery = mysql.classify(
                    "SET STATEMENT max_statement_time = (SELECT max(v) FROM limits) FOR SELECT * FROM t");
            assertThat(subquery.tablesRead()).containsExactlyInAnyOrder("t", "limits");
        }

        @Test
        void treatsSetStatementWithoutAStatementAsUnknown() {
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5").kind())
                    .isEqualTo(StatementKind.UNKNOWN);
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5 FOR").kind())
                    .isEqualTo(StatementKind.UNKNOWN);
        }

        @Test
        void commitsImplicitlyWhenItsStatementDoes() {
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5 FOR CREATE TABLE x (a INT)")
                            .implicitCommit())
                    .isTrue();
            assertThat(mysql.classify("SET STATEMENT max_statement_time=5 FOR SELECT 1")
                            .implicitCommit())
                    .isFalse();
        }
    }

    @Nested
    class ComputedValues {
        @Test
        void recordsFunctionsASessionVariableValueCallsAndPinsTheSession() {
            for (String sql : new String[] {
                "SET SESSION sql_mode = (SELECT f())",
                "SET sql_mode = (SELECT f())",
                "SET @@sql_mode = f()",
                "SET @@session.sql_mode = concat(f(), '')",
                "SET LOCAL sql_mode = f()"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.kind()).as(sql).isEqualTo(StatementKind.SESSION);
                assertThat(c.userFunctions()).as(sql).containsExactly("f");
                assertThat(c.unverifiedFunctions()).as(sql).containsExactly("f");
                assertThat(c.pinReason()).as(sql).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
                assertThat(c.sessionEffect().target()).as(sql).isEqualTo("sql_mode");
            }
        }

        @Test
        void recordsTablesASubqueryValueReads() {
            Classification c = mysql.classify("SET sql_mode = (SELECT mode FROM settings WHERE id = 1)");
            assertThat(c.tablesRead()).containsExactly("settings");
            assertThat(c.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            Classification user = mysql.classify("SET @m = (SELECT f_user(mode) FROM settings)");
            assertThat(user.tablesRead()).containsExactly("settings");
            assertThat(user.userFunctions()).containsExactly("f_user");
            assertThat(user.sessionEffect().kind()).isEqualTo(Kind.USER_VARIABLE);
            assertThat(user.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
        }

        @Test
        void reportsSideEffectAndNodeSpecificBuiltInsInAValue() {
            Classification lock = mysql.classify("SET @@session.sql_mode = get_lock('a', 1)");
            assertThat(lock.sideEffectFunctions()).containsExactly("get_lock");
            assertThat(lock.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            Classification node = mysql.classify("SET @x = connection_id()");
            assertThat(node.nodeSpecific()).isTrue();
            assertThat(node.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            Classification sequence = postgres.classify("set app.next = nextval('s')");
            assertThat(sequence.sideEffectFunctions()).containsExactly("nextval");
            assertThat(sequence.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
        }

        @Test
        void treatsPostgresSetValuesTheSameWay() {
            Classification c = postgres.classify("SET app.tenant = f_tenant()");
            assertThat(c.userFunctions()).containsExactly("f_tenant");
            assertThat(c.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(postgres.classify("set app.x = (select 1 ### 2)").unverifiedFunctions())
                    .containsExactly("operator(###)");
        }

        @Test
        void keepsLiteralAndBuiltInValuesReplayable() {
            for (String sql : new String[] {
                "SET search_path = a, b",
                "set search_path to \"$user\", public",
                "set time zone 'UTC'",
                "set statement_timeout = '5s'",
                "set session authorization alice"
            }) {
                Classification c = postgres.classify(sql);
                assertThat(c.pinReason()).as(sql).isNull();
                assertThat(c.userFunctions()).as(sql).isEmpty();
            }
            for (String sql : new String[] {
                "SET x = concat('a','b')",
                "SET NAMES utf8mb4",
                "set names utf8mb4 collate utf8mb4_unicode_ci",
                "set sql_mode = concat(@@sql_mode, ',NO_ZERO_DATE'), time_zone = '+00:00'",
                "set @a = 1, @b = 'x'"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.pinReason()).as(sql).isNull();
                assertThat(c.userFunctions()).as(sql).isEmpty();
                assertThat(c.sideEffectFunctions()).as(sql).isEmpty();
            }
            assertThat(mysql.classify("SET x = concat('a','b')").sessionEffect())
                    .isEqualTo(SessionEffect.of(Kind.SET_VARIABLE, "x", "concat('a','b')"));
        }

        @Test
        void keepsPinningUserVariablesComputedByBuiltInsOrOtherVariables() {
            assertThat(mysql.classify("set @v = concat('a', 'b')").pinReason())
                    .isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(mysql.classify("set @v = @w").pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(mysql.classify("set @v = 42").pinReason()).isNull();
        }

        @Test
        void keepsSetConfigAsASideEffectThatPins() {
            Classification c = postgres.classify("select set_config('app.user', '1', false)");
            assertThat(c.sideEffectFunctions()).containsExactly("set_config");
            assertThat(c.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(c.replicaEligible()).isFalse();
        }

        @Test
        void asksTheCatalogAboutAValuesFunctionsButPinsAnyway() {
            StatementClassifier withCatalog = StatementClassifier.builder(Dialect.MYSQL)
                    .functionCatalog(name -> Volatility.READ_ONLY)
                    .build();
            Classification c = withCatalog.classify("SET sql_mode = f_mode()");
            assertThat(c.userFunctions()).containsExactly("f_mode");
            assertThat(c.unverifiedFunctions()).isEmpty();
            assertThat(c.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
        }

        @Test
        void routesAComputedSetToThePrimary() {
            mysql("SET SESSION sql_mode = (SELECT f())").routesTo(PRIMARY);
            sql("SET app.x = f()").routesTo(PRIMARY);
        }
    }

    @Nested
    class Autocommit {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "SET autocommit=0|0",
                    "set autocommit = 1|1",
                    "SET @@autocommit = 0|0",
                    "SET SESSION autocommit = OFF|0",
                    "SET @@session.autocommit=1|1",
                    "SET @@SESSION.AUTOCOMMIT=on|1",
                    "SET @@local.autocommit = false|0",
                    "SET LOCAL autocommit = true|1",
                    "set autocommit = 'ON'|1",
                    "set autocommit = \"off\"|0",
                    "SET AutoCommit := TRUE|1",
                    "set `autocommit` = False|0"
                })
        void recognisesEverySpellingOfAutocommit(String sql, String value) {
            Classification c = mysql.classify(sql);
            assertThat(c.kind()).isEqualTo(StatementKind.SESSION);
            assertThat(c.sessionEffect()).isEqualTo(SessionEffect.of(Kind.SET_AUTOCOMMIT, "autocommit", value));
            assertThat(c.replicaEligible()).isFalse();
            assertThat(c.implicitCommit()).isEqualTo(value.equals("1"));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "set autocommit = default",
                    "set autocommit = @ac",
                    "set autocommit = 2",
                    "set autocommit = 1 - 1",
                    "set autocommit = if(@x, 1, 0)",
                    "set autocommit = 0, sql_mode = ''",
                    "set sql_mode = '', autocommit = 0",
                    "set names utf8mb4, autocommit = 1",
                    "set @a = 1, autocommit = 1",
                    "set global max_connections = 10, session autocommit = 0"
                })
        void leavesTheValueUnknownWhenItIsNotAloneOrNotALiteral(String sql) {
            Classification c = mysql.classify(sql);
            assertThat(c.sessionEffect()).as(sql).isEqualTo(SessionEffect.of(Kind.SET_AUTOCOMMIT, "autocommit", null));
            assertThat(c.replicaEligible()).as(sql).isFalse();
        }

        @Test
        void treatsAGlobalAutocommitAsAServerChange() {
            for (String sql : new String[] {
                "set global autocommit = 0", "set @@global.autocommit = 0", "set persist autocommit = 0"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.kind()).as(sql).isEqualTo(StatementKind.UTILITY_WRITE);
                assertThat(c.sessionEffect()).as(sql).isNull();
            }
        }

        @Test
        void leavesPostgresSetAutocommitAnOrdinarySetting() {
            // PostgreSQL has no autocommit setting since 7.4: the server refuses it.
            assertThat(postgres.classify("set autocommit = off").sessionEffect().kind())
                    .isEqualTo(Kind.SET_VARIABLE);
        }

        @Test
        void doesNotMistakeASetStatementForAnAutocommitChange() {
            assertThat(mysql.classify("SET STATEMENT autocommit = 0 FOR SELECT 1")
                            .sessionEffect())
                    .isNull();
        }
    }
}
