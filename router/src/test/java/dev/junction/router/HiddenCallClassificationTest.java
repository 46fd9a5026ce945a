package dev.junction.router;

import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RouteTarget.REPLICA;
import static dev.junction.router.RoutingFixture.mysql;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.FunctionCatalog.Volatility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes and calls that do not look like them: MySQL executable comments, PostgreSQL operators and
 * attribute notation, COPY, MariaDB's ANALYZE of a statement.
 */
class HiddenCallClassificationTest {

    private final StatementClassifier postgres = StatementClassifier.create(Dialect.POSTGRESQL);
    private final StatementClassifier mysql = StatementClassifier.create(Dialect.MYSQL);

    @Nested
    class ExecutableComments {
        @Test
        void classifiesTheContentOfExecutableCommentsAsCode() {
            assertThat(mysql.classify("SELECT 1 /*M!, f_mod('x') */").unverifiedFunctions())
                    .containsExactly("f_mod");
            assertThat(mysql.classify("SELECT 1 /*M!100500 , f_mod('x') */").unverifiedFunctions())
                    .containsExactly("f_mod");
            Classification insert = mysql.classify("/*!INSERT INTO t VALUES(1)*/");
            assertThat(insert.kind()).isEqualTo(StatementKind.WRITE);
            assertThat(insert.tablesWritten()).containsExactly("t");
            assertThat(mysql.classify("/*!50001 INSERT INTO t VALUES(1)*/").kind())
                    .isEqualTo(StatementKind.WRITE);
            Classification where = mysql.classify("SELECT * FROM t /*M! WHERE f_w() = 1 */");
            assertThat(where.userFunctions()).containsExactly("f_w");
            assertThat(where.replicaEligible()).isFalse();
            assertThat(mysql.classify("SELECT * FROM t /*!50001 FOR UPDATE */").lockingRead())
                    .isTrue();
            assertThat(mysql.classify("SELECT 1 /*!; DELETE FROM t */").kind()).isEqualTo(StatementKind.WRITE);
            mysql("/*!INSERT INTO t VALUES(1)*/").routesTo(PRIMARY);
        }

        @Test
        void considersTheReadingWhereAGatedCommentIsSkipped() {
            // MySQL 8 skips /*!99999 ... */ and /*M! ... */: the call below is then f_write (1).
            Classification gated = mysql.classify("SELECT f_write /*!99999 + */ (1)");
            assertThat(gated.unverifiedFunctions()).containsExactly("f_write");
            assertThat(gated.replicaEligible()).isFalse();
            assertThat(mysql.classify("SELECT f_write /*M! + */ (1)").replicaEligible())
                    .isFalse();
            // Unversioned /*! ... */ runs on every MySQL and MariaDB: there is one reading only.
            assertThat(mysql.classify("SELECT a /*! + */ (1) FROM t").replicaEligible())
                    .isTrue();
        }

        @Test
        void keepsTheTablesAndFunctionsOfBothReadings() {
            Classification c = mysql.classify("SELECT a FROM t /*!80000 JOIN u ON f_u(u.a) = t.a */ WHERE t.b = 1");
            assertThat(c.tablesRead()).containsExactlyInAnyOrder("t", "u");
            assertThat(c.unverifiedFunctions()).containsExactly("f_u");
        }

        @Test
        void keepsAPlainReadWithOneGatedCommentEligible() {
            Classification c = mysql.classify("SELECT /*!40001 SQL_NO_CACHE */ * FROM t");
            assertThat(c.replicaEligible()).isTrue();
            mysql("SELECT /*!40001 SQL_NO_CACHE */ * FROM t").routesTo(REPLICA);
            // mysqldump's statements are wholly inside a gated comment: skipped, they are no statement.
            assertThat(mysql.classify("/*!40101 SET NAMES utf8mb4 */")
                            .sessionEffect()
                            .kind())
                    .isEqualTo(SessionEffect.Kind.SET_NAMES);
        }

        @Test
        void keepsAStatementWithSeveralGatedCommentsOnThePrimary() {
            // Each comment may run or not: 2^n readings, e.g. "SELECT f (1)" when only the second runs.
            Classification c = mysql.classify("SELECT f /*!99999 + */ /*!10000 (1) */");
            assertThat(c.primaryOnly()).isTrue();
            assertThat(c.replicaEligible()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "SELECT 1 /*!99999 '*/ , f_write() /*'*/",
                    "SELECT 1 /*M! \"*/ , f_write() /*\"*/",
                    "SELECT 1 /*!99999 `*/ , f_write() /*` */",
                    "SELECT 1 /*!99999 -- */ , f_write() /*\n */",
                    "SELECT 1 /*! /* nested */ , f_write() */",
                    "SELECT f /*!99999 ( */ 1)",
                    "SELECT (f /*!99999 ) */ (1)",
                    "SELECT * FROM t /*! for update"
                })
        void refusesExecutableCommentsThatTheServersWouldEndElsewhere(String sql) {
            assertThat(mysql.classify(sql).kind()).as(sql).isEqualTo(StatementKind.UNKNOWN);
        }

        @Test
        void takesHintsOnlyFromOrdinaryComments() {
            assertThat(mysql.classify("/*! -- junction:replica\n SELECT 1 */")
                            .hints()
                            .isEmpty())
                    .isTrue();
            assertThat(mysql.classify("/* junction:replica */ SELECT 1").hints().replica())
                    .isTrue();
            assertThat(mysql.classify("/*!SELECT 1*/").hints().isEmpty()).isTrue();
        }

        @Test
        void treatsThemAsOrdinaryCommentsOnPostgres() {
            Classification c = postgres.classify("select * from t /*! for update */ /*M! , f_w() */");
            assertThat(c.replicaEligible()).isTrue();
            assertThat(postgres.classify("/*!INSERT INTO t VALUES(1)*/ select 1")
                            .kind())
                    .isEqualTo(StatementKind.READ);
        }
    }

    @Nested
    class MysqlFunctionsNamedLikeTypes {
        @Test
        void treatsACallOfATypeNameAsAStoredFunction() {
            // MySQL has no native json() or decimal(): such calls can only run stored functions.
            for (String sql :
                    new String[] {"select json(1)", "select `decimal`(a) from t", "select a from t where text(a) = 1"
                    }) {
                Classification c = mysql.classify(sql);
                assertThat(c.unverifiedFunctions()).as(sql).hasSize(1);
                assertThat(c.replicaEligible()).as(sql).isFalse();
            }
        }

        @Test
        void keepsTypesInTypePositionsEligible() {
            for (String sql : new String[] {
                "select convert(a, decimal(10,2)) from t",
                "select cast(a as decimal(10,2)), cast(b as char(3)) from t",
                "select json_value(j, '$.a' returning decimal(10,2)) from t",
                "select j.* from docs, json_table(docs.doc, '$[*]' columns (name varchar(50) path '$.name', n int path '$.n')) as j",
                "select char(65), date(now()), year(now()) from t"
            }) {
                assertThat(mysql.classify(sql).replicaEligible()).as(sql).isTrue();
            }
        }
    }

    @Test
    void treatsAMysqlNameThatBeginsWithADigitAsAName() {
        // 1abs(2) calls a stored function named 1abs, not abs().
        Classification c = mysql.classify("select 1abs(2)");
        assertThat(c.unverifiedFunctions()).containsExactly("1abs");
        assertThat(c.replicaEligible()).isFalse();
        assertThat(mysql.classify("select * from 2024_orders where id = 1e3").tablesRead())
                .containsExactly("2024_orders");
    }

    @Nested
    class PostgresOperators {
        @Test
        void sendsAStatementWithAUserDefinedOperatorToThePrimary() {
            Classification c = postgres.classify("select 1 ### 2");
            assertThat(c.userFunctions()).containsExactly("operator(###)");
            assertThat(c.unverifiedFunctions()).containsExactly("operator(###)");
            assertThat(c.replicaEligible()).isFalse();
            sql("select 1 ### 2").routesTo(PRIMARY, RouteReason.UNVERIFIED_FUNCTION);
            assertThat(postgres.classify("select * from t where a *= b").unverifiedFunctions())
                    .containsExactly("operator(*=)");
            assertThat(postgres.classify("select * from t order by a using ~~>").unverifiedFunctions())
                    .containsExactly("operator(~~>)");
        }

        @Test
        void treatsTheOperatorSyntaxAsACallUnlessItNamesABuiltInInPgCatalog() {
            assertThat(postgres.classify("select 1 operator(myschema.+) 2").unverifiedFunctions())
                    .containsExactly("operator(myschema.+)");
            assertThat(postgres.classify("select 1 OPERATOR(public.###) 2").unverifiedFunctions())
                    .containsExactly("operator(public.###)");
            assertThat(postgres.classify("select 1 operator(###) 2").unverifiedFunctions())
                    .containsExactly("operator(###)");
            Classification builtin =
                    postgres.classify("select relname from pg_class where relname operator(pg_catalog.~) '^t$'");
            assertThat(builtin.userFunctions()).isEmpty();
            assertThat(builtin.replicaEligible()).isTrue();
            assertThat(postgres.classify("select 1 OPERATOR ( \"pg_catalog\" . + ) 2")
                            .replicaEligible())
                    .isTrue();
            assertThat(postgres.classify("select 1 operator(\"PG_CATALOG\".+) 2")
                            .unverifiedFunctions())
                    .containsExactly("operator(PG_CATALOG.+)");
        }

        @Test
        void letsTheCatalogResolveAnOperator() {
            StatementClassifier withCatalog = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .functionCatalog(name -> name.equals("operator(###)") ? Volatility.READ_ONLY : Volatility.UNKNOWN)
                    .build();
            assertThat(withCatalog.classify("select 1 ### 2").replicaEligible()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "select a + b - c * d / e % f ^ g from t",
                    "select * from t where a = 1 and b <> 2 and c != 3 and d <= 4 and e >= 5 and f < 6 and g > 7",
                    "select a || b, a & b, a | b, a # b, ~a, a << 2, a >> 2, |/ a, ||/ a, @ a from t",
                    "select * from t where name ~ 'x' and name ~* 'x' and name !~ 'x' and name !~* 'x'",
                    "select * from t where name ~~ 'x' and name ~~* 'x' and name !~~ 'x' and name !~~* 'x' and name ^@ 'x'",
                    "select * from t where tags @> $1 and tags <@ $2 and tags && $3",
                    "select j -> 'a', j ->> 'a', j #> '{a}', j #>> '{a}', j - 'a', j #- '{a}' from t",
                    "select * from t where j ?? 'a' and j ??| array['a'] and j ??& array['a'] and j @?? '$.a' and j @@ '$.a == 1'",
                    "select * from t where tsv @@ to_tsquery('x') and q @> r",
                    "select * from t where r -|- s and r &< s and r &> s and r << s and r >> s",
                    "select * from t where p <-> q < 1 and ip << '10.0.0.0/8'::inet and ip <<= n and ip >>= n",
                    "select * from t order by embedding <=> $1, embedding <#> $1, embedding <-> $1 limit 5",
                    "select * from t where name % 'x' and name <% 'x' and name %> 'x' and name <<-> 'x' < 1",
                    "select a::int, b::text[], c[1:2], make_interval(days => 1), make_interval(hours := 2) from t"
                })
        void keepsBuiltInOperatorsEligible(String sql) {
            Classification c = postgres.classify(sql);
            assertThat(c.userFunctions()).as(sql).isEmpty();
            assertThat(c.replicaEligible()).as(sql + " " + c).isTrue();
        }
    }

    @Nested
    class AttributeNotation {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "select (t).writer_row from t",
                    "select (t.*).writer_row from t",
                    "select (x).writer_row from (select row(1) x) s",
                    "select a from t where (t).writer_row = 1",
                    "select ((t)).writer_row from t",
                    "select (f(t)).writer_row from t",
                    "select (t.x::composite_t).writer_row from t",
                    "select (select t from t limit 1).writer_row",
                    "select (arr)[1].writer_row from t",
                    "select a[1].writer_row from t",
                    "select (t).\"writer_row\" from t"
                })
        void readsAttributeNotationAsAPossibleCall(String sql) {
            Classification c = postgres.classify(sql);
            assertThat(c.userFunctions()).as(sql).contains("writer_row");
            assertThat(c.unverifiedFunctions()).as(sql).contains("writer_row");
            assertThat(c.replicaEligible()).as(sql).isFalse();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "select t.col, s.t.col from s.t",
                    "select t.* from t",
                    "select (t).* from t",
                    "select count(*) from public.t",
                    "select lower(name).x from t"
                })
        void leavesDottedNamesAndCallResultsAlone(String sql) {
            // lower(name).x: PostgreSQL's grammar gives a function call no indirection (a syntax error);
            // only (lower(name)).x selects from a call's result.
            assertThat(postgres.classify(sql).userFunctions()).as(sql).isEmpty();
        }

        @Test
        void doesNotApplyToMysql() {
            assertThat(mysql.classify("select (a).b from t").userFunctions()).isEmpty();
        }
    }

    @Nested
    class Copy {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "copy t to stdout",
                    "COPY t (a, b) TO STDOUT WITH (FORMAT csv)",
                    "copy (select a from t) to stdout",
                    "copy (select * from t where a > 1) to stdout with csv header"
                })
        void keepsCopyToStdoutOffTheReplicas(String sql) {
            Classification c = postgres.classify(sql);
            assertThat(c.kind()).isEqualTo(StatementKind.UTILITY_READ);
            assertThat(c.tablesRead()).containsExactly("t");
            assertThat(c.primaryOnly()).isTrue();
            assertThat(c.replicaEligible()).isFalse();
            sql(sql).routesTo(PRIMARY);
        }

        @Test
        void keepsCopyFromStdinAWrite() {
            Classification c = postgres.classify("copy t from stdin");
            assertThat(c.kind()).isEqualTo(StatementKind.WRITE);
            assertThat(c.tablesWritten()).containsExactly("t");
        }

        @Test
        void carriesTheQuerysFunctions() {
            assertThat(postgres.classify("copy (select f_w(a) from t) to stdout")
                            .unverifiedFunctions())
                    .containsExactly("f_w");
        }
    }

    @Nested
    class MariaDbAnalyze {
        @Test
        void reportsAUserFunctionInsideAnalyzeSelect() {
            for (String sql : new String[] {
                "ANALYZE SELECT f_user(a) FROM t",
                "analyze format=json select f_user(a) from t",
                "ANALYZE FORMAT = JSON SELECT a FROM t WHERE b IN (SELECT f_user(c) FROM u)"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.kind()).as(sql).isEqualTo(StatementKind.UTILITY_READ);
                assertThat(c.userFunctions()).as(sql).containsExactly("f_user");
                assertThat(c.unverifiedFunctions()).as(sql).containsExactly("f_user");
                assertThat(c.replicaEligible()).as(sql).isFalse();
            }
        }

        @Test
        void treatsAnalyzeOfAWriteAsTheWrite() {
            for (String sql : new String[] {
                "analyze update t set a = 1",
                "ANALYZE FORMAT=JSON DELETE FROM t WHERE a = 1",
                "analyze insert into t select * from u"
            }) {
                Classification c = mysql.classify(sql);
                assertThat(c.kind()).as(sql).isEqualTo(StatementKind.WRITE);
                assertThat(c.tablesWritten()).as(sql).containsExactly("t");
            }
        }

        @Test
        void trustsTheCatalogForAnalyzeSelect() {
            StatementClassifier withCatalog = StatementClassifier.builder(Dialect.MYSQL)
                    .functionCatalog(name -> Volatility.READ_ONLY)
                    .build();
            assertThat(withCatalog.classify("analyze select f_user(a) from t").replicaEligible())
                    .isTrue();
            assertThat(mysql.classify("analyze select * from t").replicaEligible())
                    .isTrue();
        }
    }
}
