package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.FunctionCatalog.Volatility;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StatementClassifierTest {

    private final StatementClassifier postgres = StatementClassifier.create(Dialect.POSTGRESQL);
    private final StatementClassifier mysql = StatementClassifier.create(Dialect.MYSQL);

    @Nested
    class Reads {
        @Test
        void extractsTablesFromJoinsSubqueriesAndCtesButNotCteNames() {
            Classification c = postgres.classify(
                    "with x as (select * from a) select * from x join b on b.id = x.id where exists (select 1 from \"S\".\"C\")");
            assertThat(c.kind()).isEqualTo(StatementKind.READ);
            assertThat(c.tablesRead()).containsExactlyInAnyOrder("a", "b", "S.C");
            assertThat(c.replicaEligible()).isTrue();
            assertThat(c.parsedByCalcite()).isTrue();
        }

        @Test
        void foldsUnquotedPostgresNamesAndKeepsMysqlNamesAsWritten() {
            assertThat(postgres.classify("select * from Public.Users").tablesRead())
                    .containsExactly("public.users");
            assertThat(mysql.classify("select * from Shop.Users").tablesRead()).containsExactly("Shop.Users");
        }

        @Test
        void keepsReadOnlyBuiltInsEligible() {
            assertThat(postgres.classify(
                                    "select now(), count(*), coalesce(a, 0), lower(b), random(), date_trunc('day', c) from t")
                            .replicaEligible())
                    .isTrue();
            assertThat(mysql.classify("select now(), ifnull(a, 0), date_format(b, '%Y'), json_extract(j, '$.a') from t")
                            .replicaEligible())
                    .isTrue();
        }

        @Test
        void classifiesAReadCalciteCannotParseFromTokens() {
            Classification c = postgres.classify("select a, b from t order by a fetch first 1 row with ties");
            assertThat(c.parsedByCalcite()).isFalse();
            assertThat(c.replicaEligible()).isTrue();
            assertThat(c.tablesRead()).containsExactly("t");
        }

        @Test
        void keepsAnUnparseableReadWithAnUnknownFunctionOnThePrimary() {
            Classification c = postgres.classify("select my_fn(a) from t order by a fetch first 1 row with ties");
            assertThat(c.parsedByCalcite()).isFalse();
            assertThat(c.unverifiedFunctions()).containsExactly("my_fn");
            assertThat(c.replicaEligible()).isFalse();
        }
    }

    @Nested
    class SafetyFacts {
        @Test
        void flagsEveryLockingClause() {
            for (String lock : List.of(
                    "for update",
                    "for no key update",
                    "for share",
                    "for key share",
                    "for update of t nowait",
                    "for share skip locked")) {
                assertThat(postgres.classify("select * from t " + lock).lockingRead())
                        .as(lock)
                        .isTrue();
            }
            assertThat(mysql.classify("select * from t lock in share mode").lockingRead())
                    .isTrue();
            assertThat(postgres.classify("select * from t for read only").lockingRead())
                    .isFalse();
        }

        @Test
        void treatsDataModifyingCtesAsWrites() {
            Classification c = postgres.classify("with d as (delete from t returning *) select * from d");
            assertThat(c.kind()).isEqualTo(StatementKind.WRITE);
            assertThat(c.tablesWritten()).containsExactly("t");
        }

        @Test
        void treatsSelectIntoAsNoPlainRead() {
            assertThat(postgres.classify("select * into t2 from t").kind()).isEqualTo(StatementKind.WRITE);
            Classification var = mysql.classify("select a into @v from t");
            assertThat(var.kind()).isEqualTo(StatementKind.SESSION);
            assertThat(var.pinReason()).isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(mysql.classify("select * into outfile '/tmp/x' from t").kind())
                    .isEqualTo(StatementKind.UTILITY_WRITE);
        }

        @Test
        void reportsSideEffectFunctionsInLowerCase() {
            assertThat(postgres.classify("SELECT NEXTVAL('s'), pg_advisory_lock(1)")
                            .sideEffectFunctions())
                    .containsExactly("nextval", "pg_advisory_lock");
            assertThat(mysql.classify("SELECT GET_LOCK('x', 1), LAST_INSERT_ID()")
                            .sideEffectFunctions())
                    .containsExactly("get_lock", "last_insert_id");
            assertThat(mysql.classify("select next value for s").sideEffectFunctions())
                    .containsExactly("next value for");
        }

        @Test
        void flagsStatementsWhoseAnswerDependsOnTheNode() {
            assertThat(postgres.classify("select pg_is_in_recovery()").nodeSpecific())
                    .isTrue();
            assertThat(postgres.classify("select * from pg_stat_replication").nodeSpecific())
                    .isTrue();
            assertThat(mysql.classify("select @@read_only").nodeSpecific()).isTrue();
            assertThat(mysql.classify("show replica status").nodeSpecific()).isTrue();
            assertThat(mysql.classify("select @@sql_mode").nodeSpecific()).isFalse();
        }

        @Test
        void sendsMultiStatementStringsToThePrimaryWithTheMostConsequentialKind() {
            Classification c = postgres.classify("select 1; update t set a = 1; select 2");
            assertThat(c.multiStatement()).isTrue();
            assertThat(c.kind()).isEqualTo(StatementKind.WRITE);
            assertThat(c.replicaEligible()).isFalse();
            assertThat(postgres.classify("select 1;").multiStatement()).isFalse();
        }

        @Test
        void classifiesMalformedTextAsUnknown() {
            assertThat(postgres.classify("select 'oops").kind()).isEqualTo(StatementKind.UNKNOWN);
            assertThat(postgres.classify("").kind()).isEqualTo(StatementKind.UNKNOWN);
            assertThat(postgres.classify("   -- nothing").kind()).isEqualTo(StatementKind.UNKNOWN);
        }

        @Test
        void treatsExplainAnalyzeOfAWriteAsTheWrite() {
            assertThat(postgres.classify("explain analyze delete from t").kind())
                    .isEqualTo(StatementKind.WRITE);
            assertThat(postgres.classify("explain (analyze) select 1 from t").kind())
                    .isEqualTo(StatementKind.UTILITY_READ);
            assertThat(postgres.classify("explain delete from t").replicaEligible())
                    .isFalse();
        }
    }

    @Nested
    class SessionEffects {
        @Test
        void describesSetStatements() {
            assertThat(postgres.classify("SET search_path TO app, public").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.SET_SEARCH_PATH, "search_path", "app, public"));
            assertThat(postgres.classify("set statement_timeout = '5s'").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.SET_VARIABLE, "statement_timeout", "'5s'"));
            assertThat(postgres.classify("set local lock_timeout = 10")
                            .sessionEffect()
                            .kind())
                    .isEqualTo(SessionEffect.Kind.SET_LOCAL);
            assertThat(postgres.classify("set transaction isolation level serializable")
                            .sessionEffect())
                    .isEqualTo(
                            SessionEffect.of(SessionEffect.Kind.SET_TRANSACTION, null, "isolation level serializable"));
            assertThat(postgres.classify("set session characteristics as transaction read only")
                            .sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.SET_SESSION_CHARACTERISTICS, null, "read only"));
            assertThat(mysql.classify("SET autocommit=0").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.SET_AUTOCOMMIT, "autocommit", "0"));
            assertThat(mysql.classify("set @@session.time_zone = '+00:00'")
                            .sessionEffect()
                            .target())
                    .isEqualTo("time_zone");
            assertThat(mysql.classify("set session transaction isolation level read committed")
                            .sessionEffect()
                            .kind())
                    .isEqualTo(SessionEffect.Kind.SET_SESSION_CHARACTERISTICS);
            assertThat(mysql.classify("use shop").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.USE_DATABASE, "shop", null));
        }

        @Test
        void treatsServerWideSettingsAsWrites() {
            assertThat(mysql.classify("set global max_connections = 10").kind()).isEqualTo(StatementKind.UTILITY_WRITE);
            assertThat(mysql.classify("set @@global.read_only = 1").kind()).isEqualTo(StatementKind.UTILITY_WRITE);
            assertThat(postgres.classify("alter system set work_mem = '1GB'").kind())
                    .isEqualTo(StatementKind.UTILITY_WRITE);
        }

        @Test
        void reportsWhatPinsTheSession() {
            assertThat(postgres.classify("create temp table x (a int)").pinReason())
                    .isEqualTo(PinReason.TEMPORARY_TABLE);
            assertThat(mysql.classify("create temporary table x (a int)").pinReason())
                    .isEqualTo(PinReason.TEMPORARY_TABLE);
            assertThat(postgres.classify("select * into temp x from t").pinReason())
                    .isEqualTo(PinReason.TEMPORARY_TABLE);
            assertThat(postgres.classify("select pg_advisory_lock(1)").pinReason())
                    .isEqualTo(PinReason.ADVISORY_LOCK);
            assertThat(postgres.classify("select pg_advisory_xact_lock(1)").pinReason())
                    .isNull();
            assertThat(mysql.classify("select get_lock('a', 1)").pinReason()).isEqualTo(PinReason.ADVISORY_LOCK);
            assertThat(postgres.classify("listen jobs").pinReason()).isEqualTo(PinReason.LISTEN);
            assertThat(postgres.classify("prepare q as select 1").pinReason()).isEqualTo(PinReason.NAMED_PREPARE);
            assertThat(mysql.classify("prepare s from 'select 1'").pinReason()).isEqualTo(PinReason.NAMED_PREPARE);
            assertThat(postgres.classify("declare c cursor with hold for select 1")
                            .pinReason())
                    .isEqualTo(PinReason.HOLDABLE_CURSOR);
            assertThat(mysql.classify("lock tables t write").pinReason()).isEqualTo(PinReason.TABLE_LOCK);
            assertThat(postgres.classify("select set_config('app.user', '1', false)")
                            .pinReason())
                    .isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(mysql.classify("set @v = (select max(id) from t)").pinReason())
                    .isEqualTo(PinReason.UNREPLAYABLE_SESSION_STATE);
            assertThat(mysql.classify("set @v = 42").pinReason()).isNull();
        }

        @Test
        void describesTransactionControl() {
            assertThat(postgres.classify("begin read only").sessionEffect().kind())
                    .isEqualTo(SessionEffect.Kind.BEGIN_READ_ONLY);
            assertThat(postgres.classify("start transaction").sessionEffect().kind())
                    .isEqualTo(SessionEffect.Kind.BEGIN);
            assertThat(postgres.classify("rollback to savepoint s1").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.ROLLBACK_TO_SAVEPOINT, "s1", null));
            assertThat(mysql.classify("release savepoint s1").sessionEffect())
                    .isEqualTo(SessionEffect.of(SessionEffect.Kind.RELEASE_SAVEPOINT, "s1", null));
            assertThat(postgres.classify("end").sessionEffect().kind()).isEqualTo(SessionEffect.Kind.COMMIT);
            assertThat(postgres.classify("prepare transaction 'x'")
                            .sessionEffect()
                            .kind())
                    .isEqualTo(SessionEffect.Kind.TWO_PHASE);
        }
    }

    @Nested
    class Hints {
        @Test
        void makesTheHintPartOfTheCachedResult() {
            Classification c = postgres.classify("/* junction:replica maxReplicaLag=2s */ select 1");
            assertThat(c.hints().replica()).isTrue();
            assertThat(c.hints().maxReplicaLag()).isEqualTo(Duration.ofSeconds(2));
            assertThat(postgres.classify("/* junction:replica maxReplicaLag=2s */ select 1"))
                    .isSameAs(c);
        }

        @Test
        void keepsASyncModeHintAsWrittenForTheDriverToValidate() {
            Classification c = postgres.classify("/* junction:syncMode=quorum:2 */ insert into t values (1)");
            assertThat(c.hints().syncMode()).isEqualTo("quorum:2");
            assertThat(c.kind()).isEqualTo(StatementKind.WRITE);
            assertThat(postgres.classify("/* junction:syncmode=often */ insert into t values (1)")
                            .hints()
                            .syncMode())
                    .as("not a mode: kept, so that the driver refuses it rather than drop a durability request")
                    .isEqualTo("often");
            assertThat(postgres.classify("/* junction:syncMode */ insert into t values (1)")
                            .hints()
                            .syncMode())
                    .isEmpty();
        }

        @Test
        void ignoresHintsThatAreNotLeading() {
            assertThat(postgres.classify("select 1 /* junction:primary */")
                            .hints()
                            .isEmpty())
                    .isTrue();
            assertThat(postgres.classify("select '/* junction:primary */'")
                            .hints()
                            .isEmpty())
                    .isTrue();
        }
    }

    @Nested
    class Caching {
        @Test
        void returnsTheCachedInstanceOnAHit() {
            Classification first = postgres.classify("select * from t where id = $1");
            assertThat(postgres.classify("select * from t where id = $1")).isSameAs(first);
            assertThat(postgres.statistics().classified()).isEqualTo(1);
        }

        @Test
        void cachesFailuresToo() {
            Classification unknown = postgres.classify("frobnicate the cluster");
            assertThat(postgres.classify("frobnicate the cluster")).isSameAs(unknown);
            assertThat(postgres.statistics().unknown()).isEqualTo(1);
        }

        @Test
        void countsCalciteParsesAndFallbacks() {
            postgres.classify("select * from t");
            postgres.classify("update t set a = s.a from s where s.id = t.id");
            postgres.classify("set search_path = x");
            StatementClassifier.Statistics s = postgres.statistics();
            assertThat(s.classified()).isEqualTo(3);
            assertThat(s.calciteParsed()).isEqualTo(1);
            assertThat(s.calciteAttempted()).isEqualTo(1);
        }

        @Test
        void staysWithinItsBound() {
            StatementClassifier small = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .cacheSize(10)
                    .build();
            for (int i = 0; i < 200; i++) {
                small.classify("select * from t where id = " + i);
            }
            assertThat(small.statistics().cachedEntries()).isLessThanOrEqualTo(10);
        }

        @Test
        void asksTheCatalogOncePerFunctionAndTrustsItsAnswer() {
            AtomicInteger lookups = new AtomicInteger();
            Map<String, Volatility> answers =
                    Map.of("report_total", Volatility.READ_ONLY, "bump", Volatility.MAY_WRITE);
            StatementClassifier c = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .functionCatalog(name -> {
                        lookups.incrementAndGet();
                        return answers.getOrDefault(name, Volatility.UNKNOWN);
                    })
                    .build();
            assertThat(c.classify("select report_total(1)").replicaEligible()).isTrue();
            assertThat(c.classify("select report_total(2)").replicaEligible()).isTrue();
            assertThat(c.classify("select bump(1)").sideEffectFunctions()).containsExactly("bump");
            assertThat(lookups.get()).isEqualTo(2);
            assertThat(c.classify("select report_total(3)").userFunctions()).containsExactly("report_total");
        }

        @Test
        void doesNotCacheAResultThatDependsOnAnUnknownCatalogAnswer() {
            Map<String, Volatility> catalog = new ConcurrentHashMap<>();
            StatementClassifier c = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .functionCatalog(name -> catalog.getOrDefault(name, Volatility.UNKNOWN))
                    .build();
            assertThat(c.classify("select f(1)").replicaEligible()).isFalse();
            catalog.put("f", Volatility.READ_ONLY);
            assertThat(c.classify("select f(1)").replicaEligible()).isTrue();
            assertThat(c.statistics().uncacheable()).isEqualTo(1);
        }

        @Test
        void forgetsCatalogAnswersWhenAsked() {
            Map<String, Volatility> catalog = new ConcurrentHashMap<>(Map.of("f", Volatility.READ_ONLY));
            StatementClassifier c = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .functionCatalog(catalog::get)
                    .build();
            assertThat(c.classify("select f(1)").replicaEligible()).isTrue();
            catalog.put("f", Volatility.MAY_WRITE);
            assertThat(c.classify("select f(1)").replicaEligible()).isTrue();
            c.forgetFunctionAnswers();
            assertThat(c.classify("select f(1)").replicaEligible()).isFalse();
        }

        @Test
        void treatsAThrowingCatalogAsNotKnowing() {
            StatementClassifier c = StatementClassifier.builder(Dialect.POSTGRESQL)
                    .functionCatalog(name -> {
                        throw new IllegalStateException("connection lost");
                    })
                    .build();
            assertThat(c.classify("select f(1)").unverifiedFunctions()).containsExactly("f");
        }

        @Test
        void classifiesConsistentlyFromManyThreads() throws Exception {
            List<Thread> threads = new ArrayList<>();
            List<Classification> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 200; i++) {
                        seen.add(postgres.classify("select * from t where id = " + (i % 20)));
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(seen).hasSize(800).allMatch(Classification::replicaEligible);
        }
    }

    @Test
    void warmsUpWithoutFailing() {
        StatementClassifier.warmUp();
        StatementClassifier.warmUp();
    }
}
