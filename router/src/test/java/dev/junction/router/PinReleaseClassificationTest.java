package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.SessionEffect.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a driver needs to release a pin when its cause ends: the name each pinning statement creates
 * and the names (or "every one") each undoing statement ends, as the server resolves them.
 */
class PinReleaseClassificationTest {

    private final StatementClassifier postgres = StatementClassifier.create(Dialect.POSTGRESQL);
    private final StatementClassifier mysql = StatementClassifier.create(Dialect.MYSQL);

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "create temp table scratch (id int)|scratch",
                "CREATE TEMPORARY TABLE Scratch (id int)|scratch",
                "create local temporary table if not exists \"Scratch\" (id int)|Scratch",
                "create temp table scratch as select 1 as id|scratch",
                "select 1 as id into temp scratch|scratch",
                "select * into temporary table scratch from t|scratch",
                "create temp table pg_temp.scratch (id int)|pg_temp.scratch"
            })
    void namesTheTemporaryTableAPostgresStatementCreates(String sql, String table) {
        Classification c = postgres.classify(sql);
        assertThat(c.pinReason()).as(sql).isEqualTo(PinReason.TEMPORARY_TABLE);
        assertThat(c.tablesWritten()).as(sql).contains(table);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "create temporary table scratch (id int)|scratch",
                "create temporary table if not exists `Scratch` (id int)|Scratch",
                "create temporary table scratch select 1 as id|scratch",
                "create temporary table scratch like t|scratch"
            })
    void namesTheTemporaryTableAMysqlStatementCreates(String sql, String table) {
        Classification c = mysql.classify(sql);
        assertThat(c.pinReason()).as(sql).isEqualTo(PinReason.TEMPORARY_TABLE);
        assertThat(c.tablesWritten()).as(sql).containsExactly(table);
    }

    @Test
    void aTemporaryTableDroppedAtCommitDoesNotPin() {
        assertThat(postgres.classify("create temp table scratch (id int) on commit drop")
                        .pinReason())
                .isNull();
        assertThat(postgres.classify("create temp table scratch on commit drop as select 1")
                        .pinReason())
                .isNull();
        assertThat(postgres.classify("create temp table scratch (id int) on commit delete rows")
                        .pinReason())
                .isEqualTo(PinReason.TEMPORARY_TABLE);
        assertThat(postgres.classify("create temp table scratch (id int) on commit preserve rows")
                        .pinReason())
                .isEqualTo(PinReason.TEMPORARY_TABLE);
    }

    @Test
    void namesEveryTableADropTableDrops() {
        assertThat(postgres.classify("drop table scratch").tablesDropped()).containsExactly("scratch");
        assertThat(postgres.classify("DROP TABLE IF EXISTS Scratch, \"Other\" CASCADE")
                        .tablesDropped())
                .containsExactly("scratch", "Other");
        assertThat(postgres.classify("drop table pg_temp.scratch").tablesDropped())
                .containsExactly("pg_temp.scratch");
        assertThat(mysql.classify("drop temporary table scratch").tablesDropped())
                .containsExactly("scratch");
        assertThat(mysql.classify("DROP TEMPORARY TABLE IF EXISTS scratch, `Other`")
                        .tablesDropped())
                .containsExactly("scratch", "Other");
        assertThat(mysql.classify("drop table scratch").tablesDropped()).containsExactly("scratch");
    }

    @Test
    void reportsNoDroppedTableForStatementsThatDropNone() {
        for (String sql : new String[] {
            "alter table scratch add column b int",
            "create table scratch (id int)",
            "truncate scratch",
            "delete from scratch",
            "drop view scratch",
            "drop index scratch_idx",
            "select * from scratch"
        }) {
            assertThat(postgres.classify(sql).tablesDropped()).as(sql).isEmpty();
        }
    }

    @Test
    void keepsTheDropsOfEveryStatementOfAMultiStatementString() {
        Classification c = postgres.classify("drop table a; select 1; drop table b");
        assertThat(c.multiStatement()).isTrue();
        assertThat(c.tablesDropped()).containsExactly("a", "b");
    }

    @Test
    void reportsOnlyTheDropsEveryReadingOfAnExecutableCommentMakes() {
        // MySQL from 9.9 drops both tables, older servers only the first.
        assertThat(mysql.classify("drop temporary table a /*!99999 , b */").tablesDropped())
                .containsExactly("a");
        // Several such comments: which statements run is not worked out, so none of the drops is reported.
        assertThat(mysql.classify("drop temporary table a /*!99999 , b */ /*!99999 , c */")
                        .tablesDropped())
                .isEmpty();
    }

    @Test
    void namesTheChannelAListenOrUnlistenNamesAndNoneForEvery() {
        assertThat(postgres.classify("listen Jobs").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.LISTEN, "jobs", null));
        assertThat(postgres.classify("unlisten Jobs").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.UNLISTEN, "jobs", null));
        assertThat(postgres.classify("unlisten \"Jobs\"").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.UNLISTEN, "Jobs", null));
        assertThat(postgres.classify("unlisten *").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.UNLISTEN, null, null));
        assertThat(postgres.classify("unlisten \"*\"").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.UNLISTEN, "*", null));
    }

    @Test
    void namesTheStatementAPrepareOrDeallocateNamesAndNoneForAll() {
        assertThat(postgres.classify("prepare Q1 as select 1").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.PREPARE, "q1", null));
        assertThat(postgres.classify("deallocate q1").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, "q1", null));
        assertThat(postgres.classify("deallocate prepare \"Q1\"").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, "Q1", null));
        assertThat(postgres.classify("deallocate all").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, null, null));
        assertThat(postgres.classify("DEALLOCATE PREPARE ALL").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, null, null));
        assertThat(postgres.classify("deallocate \"all\"").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, "all", null));
    }

    @Test
    void reportsMysqlStatementNamesInLowerCaseAsTheServerComparesThem() {
        assertThat(mysql.classify("PREPARE Stmt FROM 'select 1'").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.PREPARE, "stmt", null));
        assertThat(mysql.classify("DEALLOCATE PREPARE STMT").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DEALLOCATE, "stmt", null));
    }

    @Test
    void namesTheCursorADeclareOrCloseNamesAndNoneForCloseAll() {
        Classification declare = postgres.classify("declare C1 cursor with hold for select * from t");
        assertThat(declare.pinReason()).isEqualTo(PinReason.HOLDABLE_CURSOR);
        assertThat(declare.sessionEffect()).isEqualTo(SessionEffect.of(Kind.CURSOR, "c1", null));
        assertThat(postgres.classify("close C1").sessionEffect()).isEqualTo(SessionEffect.of(Kind.CLOSE, "c1", null));
        assertThat(postgres.classify("close all").sessionEffect()).isEqualTo(SessionEffect.of(Kind.CLOSE, null, null));
        assertThat(postgres.classify("close \"all\"").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.CLOSE, "all", null));
        assertThat(postgres.classify("close c1").kind()).isEqualTo(StatementKind.SESSION);
    }

    @Test
    void readsDiscardTempAndTemporaryAsOneOption() {
        assertThat(postgres.classify("discard temp").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DISCARD, "temp", null));
        assertThat(postgres.classify("DISCARD TEMPORARY").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DISCARD, "temp", null));
        assertThat(postgres.classify("discard all").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DISCARD, "all", null));
        assertThat(postgres.classify("discard plans").sessionEffect())
                .isEqualTo(SessionEffect.of(Kind.DISCARD, "plans", null));
    }
}
