package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementStamperTest {
    /** The tables' shapes, as the driver reads them from the home master's catalog. */
    static final TableShapes SHAPES = table -> switch (table) {
        case "model_versions" ->
            new TableShape(
                    "app",
                    "model_versions",
                    List.of("id"),
                    List.of(
                            new TableShape.Column("id", "NULL"),
                            new TableShape.Column("stage", "'staging'::text"),
                            new TableShape.Column("metrics", "NULL")));
        case "registry.stages" ->
            new TableShape(
                    "registry",
                    "stages",
                    List.of("id"),
                    List.of(new TableShape.Column("id", "NULL"), new TableShape.Column("name", "NULL")));
        default -> throw new TableShapes.ShapeUnavailableException("no table " + table, null);
    };

    private static final StatementStamper POSTGRES =
            new StatementStamper(Dialect.POSTGRESQL, List.of("model_versions", "registry.stages"), SHAPES);
    private static final StatementStamper MYSQL =
            new StatementStamper(Dialect.MYSQL, List.of("model_versions"), SHAPES);
    /** What a plain INSERT of (id, stage) gets on PostgreSQL: a deleted row of its key is brought back. */
    private static final String PG_REVIVAL = " ON CONFLICT (\"id\") DO UPDATE SET _hlc = CASE WHEN"
            + " model_versions._deleted THEN GREATEST(model_versions._hlc + 1, EXCLUDED._hlc) ELSE"
            + " app.model_versions_junction_live_duplicate() END, _origin = EXCLUDED._origin,"
            + " \"stage\" = EXCLUDED.\"stage\", \"metrics\" = DEFAULT, _deleted = FALSE";

    private static Stamping.Stamped stamped(StatementStamper stamper, String sql) {
        Stamping stamping = stamper.stamp(sql);
        assertThat(stamping).as(sql).isInstanceOf(Stamping.Stamped.class);
        return (Stamping.Stamped) stamping;
    }

    private static Stamping.Refused refused(StatementStamper stamper, String sql) {
        Stamping stamping = stamper.stamp(sql);
        assertThat(stamping).as(sql).isInstanceOf(Stamping.Refused.class);
        return (Stamping.Refused) stamping;
    }

    @Test
    void anInsertGetsBothColumnsAndASlotForEachInItsRow() {
        Stamping.Stamped insert = stamped(POSTGRES, "insert into model_versions (id, stage) values (?, ?)");
        assertThat(insert.preparedText())
                .isEqualTo("insert into model_versions (id, stage, _hlc, _origin) values (?, ?, ?, ?)" + PG_REVIVAL);
        assertThat(insert.physicalIndexOfApplicationParameter()).containsExactly(1, 2);
        assertThat(insert.hlcParameters()).containsExactly(3);
        assertThat(insert.originParameters()).containsExactly(4);
        assertThat(insert.table()).isEqualTo("model_versions");
    }

    @Test
    void everyRowOfAMultiRowInsertIsStampedAndNestedParenthesesAreRows() {
        Stamping.Stamped insert = stamped(
                MYSQL, "INSERT INTO `model_versions` (id, stage) VALUES (?, concat('a(', ?)), (2, lower(')')) ;");
        assertThat(insert.preparedText())
                .isEqualTo("INSERT INTO `model_versions` (id, stage, _hlc, _origin) VALUES"
                        + " (?, concat('a(', ?), ?, ?), (2, lower(')'), ?, ?) ON DUPLICATE KEY UPDATE _hlc ="
                        + " IF(_deleted, GREATEST(_hlc + 1, VALUES(_hlc)), app.model_versions_junction_live_duplicate()),"
                        + " _origin = VALUES(_origin), `stage` = VALUES(`stage`), `metrics` = DEFAULT(`metrics`),"
                        + " _deleted = FALSE ;");
        assertThat(insert.reportedRows())
                .as("two rows inserted, whether new or brought back")
                .isEqualTo(2);
        assertThat(insert.physicalIndexOfApplicationParameter()).containsExactly(1, 2);
        assertThat(insert.hlcParameters()).containsExactly(3, 5);
        assertThat(insert.originParameters()).containsExactly(4, 6);
    }

    @Test
    void anUpdateSetsAStampLaterThanTheRowsAndTheOrigin() {
        Stamping.Stamped update = stamped(POSTGRES, "update model_versions set stage = ? where id = ?");
        assertThat(update.preparedText())
                .isEqualTo("update model_versions set stage = ?, _hlc = GREATEST(model_versions._hlc + 1, ?),"
                        + " _origin = ? where (id = ?) AND NOT model_versions._deleted");
        assertThat(update.physicalIndexOfApplicationParameter()).containsExactly(1, 4);
        assertThat(update.hlcParameters()).containsExactly(2);
        assertThat(update.originParameters()).containsExactly(3);
    }

    @Test
    void anUpdateQualifiesTheStampWithItsAliasAndEndsTheSetListAtTheFirstClauseOutsideParentheses() {
        Stamping.Stamped update = stamped(
                POSTGRES,
                "/* hint */ UPDATE registry.stages AS s SET name = (select max(x) from t where y = ?) FROM other o"
                        + " WHERE s.id = o.id RETURNING s.id");
        assertThat(update.preparedText())
                .isEqualTo("/* hint */ UPDATE registry.stages AS s SET name = (select max(x) from t where y = ?),"
                        + " _hlc = GREATEST(s._hlc + 1, ?), _origin = ? FROM other o WHERE (s.id = o.id) AND NOT"
                        + " s._deleted RETURNING s.id");
        Stamping.Stamped mysql = stamped(MYSQL, "update model_versions set stage = 'where' order by id limit 1");
        assertThat(mysql.preparedText())
                .isEqualTo("update model_versions set stage = 'where', _hlc = GREATEST(model_versions._hlc + 1, ?),"
                        + " _origin = ? WHERE NOT model_versions._deleted order by id limit 1");
        assertThat(mysql.physicalIndexOfApplicationParameter()).isEmpty();
    }

    @Test
    void anUpsertStampsTheRowItInsertsAndTheRowItUpdatesAndActsOnATombstoneAsTheInsert() {
        assertThat(stamped(
                                POSTGRES,
                                "insert into model_versions as m (id, stage) values (?, ?) on conflict (id) do update"
                                        + " set stage = excluded.stage where m.stage <> 'archived' returning id")
                        .preparedText())
                .isEqualTo("insert into model_versions as m (id, stage, _hlc, _origin) values (?, ?, ?, ?) on conflict"
                        + " (id) do update set stage = CASE WHEN m._deleted THEN EXCLUDED.\"stage\" ELSE"
                        + " (excluded.stage) END, \"metrics\" = CASE WHEN m._deleted THEN NULL ELSE m.\"metrics\" END,"
                        + " _hlc = GREATEST(m._hlc + 1, EXCLUDED._hlc), _origin = EXCLUDED._origin, _deleted = FALSE"
                        + " where m._deleted OR (m.stage <> 'archived') returning id");
        assertThat(stamped(POSTGRES, "insert into model_versions (id) values (1) on conflict (id) do nothing")
                        .preparedText())
                .isEqualTo(
                        "insert into model_versions (id, _hlc, _origin) values (1, ?, ?) ON CONFLICT (id) DO UPDATE"
                                + " SET \"stage\" = DEFAULT, \"metrics\" = DEFAULT, _hlc = GREATEST(model_versions._hlc + 1,"
                                + " EXCLUDED._hlc), _origin = EXCLUDED._origin, _deleted = FALSE WHERE model_versions._deleted");
        assertThat(refused(POSTGRES, "insert into model_versions (id) values (1) on conflict do nothing")
                        .reason())
                .contains("ON CONFLICT (id) DO NOTHING");
        Stamping.Stamped mysql = stamped(
                MYSQL, "insert into model_versions (id, stage) values (?, ?) on duplicate key update stage = ?");
        assertThat(mysql.preparedText())
                .isEqualTo("insert into model_versions (id, stage, _hlc, _origin) values (?, ?, ?, ?) on duplicate key"
                        + " update stage = IF(_deleted, VALUES(`stage`), (?)), `metrics` = IF(_deleted,"
                        + " DEFAULT(`metrics`), `metrics`), _hlc = GREATEST(_hlc + 1, VALUES(_hlc)),"
                        + " _origin = VALUES(_origin), _deleted = FALSE");
        assertThat(mysql.physicalIndexOfApplicationParameter()).containsExactly(1, 2, 5);
        assertThat(mysql.reportedRows())
                .as("the server's count for the application's own upsert")
                .isEqualTo(-1);
        assertThat(refused(
                                POSTGRES,
                                "insert into model_versions (id) values (1) on conflict (id) do update set"
                                        + " _hlc = 0")
                        .reason())
                .contains("_hlc");
        assertThat(refused(MYSQL, "insert into model_versions (id) values (1) on something")
                        .reason())
                .contains("ON DUPLICATE KEY UPDATE");
    }

    @Test
    void aDeleteLeavesATombstoneStampedLikeAnUpdate() {
        Stamping.Stamped delete = stamped(POSTGRES, "delete from model_versions where id = ?");
        assertThat(delete.preparedText())
                .isEqualTo("UPDATE model_versions SET _deleted = TRUE, _hlc = GREATEST(model_versions._hlc + 1, ?),"
                        + " _origin = ? where (id = ?) AND NOT model_versions._deleted");
        assertThat(delete.physicalIndexOfApplicationParameter()).containsExactly(3);
        assertThat(delete.hlcParameters()).containsExactly(1);
        assertThat(delete.reportedRows())
                .as("the rows it deleted, as the server counts them")
                .isEqualTo(-1);
        assertThat(stamped(POSTGRES, "DELETE FROM registry.stages AS s WHERE s.name = 'x' RETURNING s.id")
                        .inlineText(9, "m1"))
                .isEqualTo("UPDATE registry.stages AS s SET _deleted = TRUE, _hlc = GREATEST(s._hlc + 1, 9),"
                        + " _origin = 'm1' WHERE (s.name = 'x') AND NOT s._deleted RETURNING s.id");
        assertThat(stamped(MYSQL, "delete from model_versions order by id limit 2")
                        .inlineText(9, "m1"))
                .isEqualTo("UPDATE model_versions SET _deleted = TRUE, _hlc = GREATEST(model_versions._hlc + 1, 9),"
                        + " _origin = 'm1' WHERE NOT model_versions._deleted order by id limit 2");
        assertThat(stamped(POSTGRES, "delete from model_versions where id in (select id from model_versions m2)")
                        .preparedText())
                .endsWith("where (id in (select id from (SELECT * FROM model_versions WHERE NOT _deleted) m2))"
                        + " AND NOT model_versions._deleted");
        assertThat(refused(POSTGRES, "delete from model_versions using audit where audit.id = model_versions.id")
                        .reason())
                .contains("one table");
        assertThat(refused(MYSQL, "delete m from model_versions m join audit a on a.id = m.id")
                        .reason())
                .contains("one table");
        assertThat(refused(MYSQL, "delete from model_versions where id = 1 returning id")
                        .reason())
                .contains("RETURNING");
        assertThat(refused(POSTGRES, "delete from model_versions where current of c")
                        .reason())
                .contains("CURRENT OF");
    }

    @Test
    void readsSeeLiveRowsOnlyUnderTheReferencesOwnNameOrAlias() {
        assertThat(stamped(POSTGRES, "select * from model_versions where id = ?")
                        .preparedText())
                .isEqualTo("select * from (SELECT * FROM model_versions WHERE NOT _deleted) AS model_versions"
                        + " where id = ?");
        assertThat(stamped(
                                POSTGRES,
                                "select a.note, m.stage from audit a left join \"model_versions\" m on m.id = a.id,"
                                        + " registry.stages as s for update")
                        .preparedText())
                .isEqualTo("select a.note, m.stage from audit a left join (SELECT * FROM \"model_versions\" WHERE NOT"
                        + " _deleted) m on m.id = a.id, (SELECT * FROM registry.stages WHERE NOT _deleted) as s"
                        + " for update");
        assertThat(stamped(
                                MYSQL,
                                "with recent as (select id from model_versions) select extract(year from now()),"
                                        + " (select count(*) from model_versions) from recent")
                        .preparedText())
                .isEqualTo("with recent as (select id from (SELECT * FROM model_versions WHERE NOT _deleted) AS"
                        + " model_versions) select extract(year from now()), (select count(*) from (SELECT * FROM"
                        + " model_versions WHERE NOT _deleted) AS model_versions) from recent");
        assertThat(stamped(POSTGRES, "delete from audit where id in (select id from model_versions)")
                        .preparedText())
                .isEqualTo("delete from audit where id in (select id from (SELECT * FROM model_versions WHERE NOT"
                        + " _deleted) AS model_versions)");
        for (String sql : List.of(
                "select model_versions from audit",
                "select * from audit where note = 'from model_versions'",
                "select model_versions.id from audit join other on model_versions.x = 1")) {
            assertThat(POSTGRES.stamp(sql)).as(sql).isSameAs(Stamping.UNTOUCHED);
        }
        assertThat(refused(MYSQL, "select * from model_versions use index (primary)")
                        .reason())
                .contains("USE");
    }

    @Test
    void statementsThatWouldWriteOrReadPastStampingAreRefused() {
        for (String sql : List.of(
                "explain analyze update model_versions set stage = 'a'",
                "EXPLAIN (ANALYZE, BUFFERS) DELETE FROM model_versions",
                "copy model_versions from stdin",
                "copy model_versions to stdout",
                "prepare p as update model_versions set stage = $1")) {
            assertThat(POSTGRES.stamp(sql)).as(sql).isInstanceOf(Stamping.Refused.class);
        }
        for (String sql : List.of(
                "analyze update model_versions set stage = 'a'",
                "load data infile '/tmp/x' into table model_versions",
                "handler model_versions open")) {
            assertThat(MYSQL.stamp(sql)).as(sql).isInstanceOf(Stamping.Refused.class);
        }
        assertThat(refused(POSTGRES, "explain analyze insert into model_versions (id) values (1)")
                        .reason())
                .contains("without ANALYZE");
        assertThat(POSTGRES.stamp("explain update model_versions set stage = 'a'"))
                .as("explained only: nothing runs")
                .isSameAs(Stamping.UNTOUCHED);
        assertThat(POSTGRES.stamp("explain (analyze false) delete from model_versions"))
                .isSameAs(Stamping.UNTOUCHED);
        assertThat(stamped(POSTGRES, "explain analyze select * from model_versions")
                        .preparedText())
                .isEqualTo("explain analyze select * from (SELECT * FROM model_versions WHERE NOT _deleted) AS"
                        + " model_versions");
        assertThat(stamped(POSTGRES, "copy (select id from model_versions) to stdout")
                        .preparedText())
                .contains("(SELECT * FROM model_versions WHERE NOT _deleted)");
        assertThat(MYSQL.stamp("analyze table model_versions")).isSameAs(Stamping.UNTOUCHED);
    }

    @Test
    void aTableConfiguredWithItsSchemaAndNamedWithoutOneIsRefusedNotGuessed() {
        for (String sql : List.of(
                "update stages set name = 'a'",
                "insert into stages (id) values (1)",
                "delete from stages where id = 1",
                "select * from stages")) {
            assertThat(refused(POSTGRES, sql).reason()).as(sql).contains("registry.stages");
        }
        assertThat(POSTGRES.stamp("select stages from audit"))
                .as("a column of that name is not the table")
                .isSameAs(Stamping.UNTOUCHED);
    }

    @Test
    void aReadByTheWholePrimaryKeyIsAKeyReadForReadRepair() {
        KeyRead read =
                POSTGRES.keyRead("select stage from model_versions m where m.stage <> ? and ? = m.id for update");
        assertThat(read).isNotNull();
        assertThat(read.table()).isEqualTo("model_versions");
        assertThat(read.key()).containsExactly(new KeyRead.Part("id", null, 2));
        assertThat(MYSQL.keyRead("SELECT * FROM `model_versions` WHERE id = 7").key())
                .containsExactly(new KeyRead.Part("id", "7", 0));
        for (String sql : List.of(
                "select * from model_versions where id = 1 or id = 2",
                "select * from model_versions where id > 1",
                "select * from model_versions",
                "select * from model_versions m join audit a on a.id = m.id where m.id = 1",
                "select * from audit where id = 1",
                "update model_versions set stage = 'a' where id = 1",
                "select * from model_versions where id = lower(?)")) {
            assertThat(POSTGRES.keyRead(sql)).as(sql).isNull();
        }
    }

    @Test
    void aVersionVectorTablesWritesAddOneWriteOfTheirMasterToTheRowsVector() {
        StatementStamper vectors = new StatementStamper(
                Dialect.POSTGRESQL, java.util.Map.of("model_versions", ConflictPolicy.VERSION_VECTOR), SHAPES);
        Stamping.Stamped insert = stamped(vectors, "insert into model_versions (id, stage) values (?, ?)");
        assertThat(insert.preparedText())
                .startsWith("insert into model_versions (id, stage, _hlc, _origin, _vv) values (?, ?, ?, ?,"
                        + " junction_vv_bump('', ?))")
                .contains("_vv = junction_vv_bump(model_versions._vv, EXCLUDED._origin)");
        assertThat(insert.originParameters()).containsExactly(4, 5);
        assertThat(stamped(vectors, "update model_versions set stage = 'a' where id = 1")
                        .inlineText(7, "m1"))
                .isEqualTo("update model_versions set stage = 'a', _hlc = GREATEST(model_versions._hlc + 1, 7),"
                        + " _origin = 'm1', _vv = junction_vv_bump(model_versions._vv, 'm1') where (id = 1) AND NOT"
                        + " model_versions._deleted");
        assertThat(stamped(vectors, "delete from model_versions where id = 1").inlineText(7, "m1"))
                .contains("_deleted = TRUE", "_vv = junction_vv_bump(model_versions._vv, 'm1')");
        assertThat(refused(vectors, "update model_versions set _vv = '' where id = 1")
                        .reason())
                .contains("_vv");
    }

    @Test
    void aTableWhoseShapeCannotBeReadRefusesTheInsertsThatNeedIt() {
        StatementStamper unknown = new StatementStamper(Dialect.POSTGRESQL, List.of("ghost"), SHAPES);
        assertThat(refused(unknown, "insert into ghost (id) values (1)").reason())
                .contains("no table ghost");
        assertThat(unknown.stamp("update ghost set x = 1 where id = 1")).isInstanceOf(Stamping.Stamped.class);
    }

    @Test
    void aPlainStatementGetsTheStampAsLiteralsWithTheOriginQuotedForItsDialect() {
        assertThat(stamped(POSTGRES, "insert into model_versions (id) values (1)")
                        .inlineText(42, "o'k\\"))
                .startsWith("insert into model_versions (id, _hlc, _origin) values (1, 42, 'o''k\\') ON CONFLICT");
        assertThat(stamped(MYSQL, "insert into model_versions (id) values (1)").inlineText(42, "o'k\\"))
                .startsWith("insert into model_versions (id, _hlc, _origin) values (1, 42, 'o''k\\\\') ON DUPLICATE");
    }

    @Test
    void writesOfOtherTablesReadsAndDefinitionsAreUntouched() {
        for (String sql : List.of(
                "insert into audit (id) values (1)",
                "update audit set note = 'model_versions' where id = 1",
                "alter table model_versions add column note text",
                "update other.stages set x = 1",
                "insert into audit (note) values ('-- model_versions')")) {
            assertThat(POSTGRES.stamp(sql)).as(sql).isSameAs(Stamping.UNTOUCHED);
        }
    }

    @Test
    void writesThatCannotBeStampedAreRefusedWithWhatToDo() {
        assertThat(refused(POSTGRES, "insert into model_versions values (1, 'a')")
                        .reason())
                .contains("column list");
        assertThat(refused(POSTGRES, "insert into model_versions (id) select id from t")
                        .reason())
                .contains("VALUES");
        assertThat(refused(MYSQL, "insert ignore into model_versions (id) values (1)")
                        .reason())
                .contains("IGNORE");
        assertThat(refused(MYSQL, "insert into model_versions set id = 1").reason())
                .contains("column list");
        assertThat(refused(POSTGRES, "update model_versions set _hlc = 0 where id = 1")
                        .reason())
                .contains("_hlc");
        assertThat(refused(POSTGRES, "insert into model_versions (id, \"_ORIGIN\") values (1, 'x')")
                        .reason())
                .contains("_origin");
        assertThat(refused(MYSQL, "update audit a join model_versions m on a.id = m.id set m.stage = 'x'")
                        .reason())
                .contains("several tables");
        assertThat(refused(MYSQL, "update model_versions, audit set stage = 'x'")
                        .reason())
                .contains("several tables");
        assertThat(refused(POSTGRES, "truncate model_versions").reason()).contains("TRUNCATE");
        assertThat(refused(MYSQL, "replace into model_versions (id) values (1)").reason())
                .contains("REPLACE");
        assertThat(refused(POSTGRES, "with x as (select 1) update model_versions set stage = 'a'")
                        .reason())
                .contains("WITH");
        assertThat(refused(POSTGRES, "update model_versions set stage = 'a'; select 1")
                        .reason())
                .contains("several statements");
        assertThat(refused(POSTGRES, "update model_versions set stage = $1 where id = $2")
                        .reason())
                .contains("?");
        assertThat(refused(POSTGRES, "update model_versions set stage = 'unterminated")
                        .reason())
                .contains("read");
        assertThat(refused(MYSQL, "update model_versions set stage = 'a' /*!50000 , id = 2 */")
                        .reason())
                .contains("version-gated");
        assertThat(refused(POSTGRES, "merge into registry.stages s using t on true when matched then delete")
                        .table())
                .isEqualTo("registry.stages");
    }

    @Test
    void aSchemaQualifiedConfigurationMatchesThatSchemaOnlyAndAPlainOneAnySchema() {
        assertThat(POSTGRES.stamp("update registry.stages set name = 'a'")).isInstanceOf(Stamping.Stamped.class);
        assertThat(POSTGRES.stamp("update public.stages set name = 'a'")).isSameAs(Stamping.UNTOUCHED);
        assertThat(POSTGRES.stamp("update app.model_versions set stage = 'a'")).isInstanceOf(Stamping.Stamped.class);
        assertThat(POSTGRES.stamp("update \"Model_Versions\" set stage = 'a'")).isInstanceOf(Stamping.Stamped.class);
    }

    private static final StatementStamper COUNTERS_PG = new StatementStamper(
            Dialect.POSTGRESQL,
            java.util.Map.of("likes", ConflictPolicy.COUNTER, "model_versions", ConflictPolicy.LWW),
            SHAPES);
    private static final StatementStamper COUNTERS_MYSQL =
            new StatementStamper(Dialect.MYSQL, java.util.Map.of("likes", ConflictPolicy.COUNTER), SHAPES);

    @Test
    void anIncrementOfACounterTableBecomesAnUpsertOfThisMastersOwnRow() {
        Stamping.Stamped increment = stamped(
                COUNTERS_PG, "update likes set n = n + ?, dislikes = dislikes - ? where post = ? and lang = 'en'");
        assertThat(increment.preparedText())
                .isEqualTo(
                        "INSERT INTO likes (post, lang, _origin, n, dislikes, _hlc) VALUES (?, 'en', ?, ?, (0 - ?), ?)"
                                + " ON CONFLICT (post, lang, _origin) DO UPDATE SET n = likes.n + EXCLUDED.n,"
                                + " dislikes = likes.dislikes + EXCLUDED.dislikes,"
                                + " _hlc = GREATEST(likes._hlc + 1, EXCLUDED._hlc)");
        assertThat(increment.physicalIndexOfApplicationParameter())
                .as("the application's n, dislikes and post moved to where the upsert takes them")
                .containsExactly(3, 4, 1);
        assertThat(increment.originParameters()).containsExactly(2);
        assertThat(increment.hlcParameters()).containsExactly(5);
        assertThat(stamped(COUNTERS_MYSQL, "UPDATE likes SET n = n + 1 WHERE post = ?;")
                        .inlineText(7, "m1"))
                .isEqualTo("INSERT INTO likes (post, _origin, n, _hlc) VALUES (?, 'm1', 1, 7)"
                        + " ON DUPLICATE KEY UPDATE n = n + VALUES(n), _hlc = GREATEST(_hlc + 1, VALUES(_hlc))");
    }

    @Test
    void everyOtherWriteOfACounterTableIsRefusedWithTheFormItTakes() {
        for (String sql : List.of(
                "update likes set n = 5 where post = 1",
                "update likes set n = n * 2 where post = 1",
                "update likes set n = n + 1",
                "update likes set n = n + 1 where post > 1",
                "update likes set n = n + 1 where post = 1 or post = 2",
                "update likes set n = n + (1 + 1) where post = 1",
                "update likes set _hlc = _hlc + 1 where post = 1",
                "update likes l set n = n + 1 where post = 1",
                "insert into likes (post, n) values (1, 1)",
                "delete from likes where post = 1")) {
            assertThat(refused(COUNTERS_PG, sql).reason()).as(sql).contains("counter table");
        }
        assertThat(COUNTERS_PG.stamp("select sum(n) from likes where post = 1"))
                .as("a counter table keeps no tombstones")
                .isSameAs(Stamping.UNTOUCHED);
        assertThat(stamped(COUNTERS_PG, "update model_versions set stage = 'a' where id = 1")
                        .preparedText())
                .contains("GREATEST(model_versions._hlc + 1, ?)");
    }
}
