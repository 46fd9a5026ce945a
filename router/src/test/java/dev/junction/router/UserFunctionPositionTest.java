package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user function called anywhere in a statement reaches {@link Classification#userFunctions()}
 * and, without a catalog, {@link Classification#unverifiedFunctions()}: in every clause, both
 * dialects, whether Calcite parses the statement or the token fallback classifies it.
 *
 * <p>The fallback is forced in two ways: text longer than the classifier hands to Calcite (a long
 * comment), and a construct Babel rejects ({@code WITH ORDINALITY} on PostgreSQL, {@code
 * MATCH ... AGAINST} on MySQL).
 */
class UserFunctionPositionTest {

    private static final StatementClassifier POSTGRES = StatementClassifier.create(Dialect.POSTGRESQL);
    private static final StatementClassifier MYSQL = StatementClassifier.create(Dialect.MYSQL);

    /** Positions valid in both dialects; {@code F} stands for the call. */
    private static final List<String> COMMON = List.of(
            "select F from t",
            "select a from t where F = 1",
            "select a, count(*) from t group by a having F > 1",
            "select count(*) from t group by F",
            "select a from t order by F",
            "select a from t order by a desc, F",
            "select (select F from u) from t",
            "select * from (select F as x from u) s",
            "select a from t where a in (select F from u)",
            "select a from t where exists (select 1 from u where u.b = F)",
            "select a from t where a = any (select F from u)",
            "select a from t union select F from u",
            "select a from t union all select b from u where b = F",
            "select a from t intersect select F from u",
            "select a from t except select F from u",
            "with c as (select F as x from t) select x from c",
            "with c as (select a from t) select a from c where a = F",
            "with recursive c (n) as (select 1 union all select n + 1 from c where n < F) select n from c",
            "select t.a from t join u on u.b = F",
            "select t.a from t left join u on t.a = u.b and F",
            "select case when a > 0 then F else 0 end from t",
            "select case when F then 1 end from t",
            "select case F when 1 then 'a' end from t",
            "select row_number() over (partition by F order by b) from t",
            "select sum(a) over (order by F) from t",
            "select a from t where a in (1, F)",
            "select a from t where a between F and 2",
            "select coalesce(F, 0) from t",
            "select cast(F as char) from t",
            "select a from t where not F",
            "select a from t limit 1 offset F",
            "values (F)",
            "insert into t values (F)",
            "insert into t (a) select F from u",
            "update t set a = F",
            "update t set a = 1 where b = F",
            "delete from t where a = F",
            "select distinct F from t",
            "select a from t where a like F",
            "select a from t where a is not distinct from F");

    private static final List<String> POSTGRES_ONLY = List.of(
            "select a from t limit F",
            "select * from F as x",
            "select * from t, lateral (select F) s",
            "select * from t cross join lateral F as x",
            "select distinct on (F) a from t",
            "insert into t values (1) returning F",
            "insert into t values (1) on conflict (a) do update set b = F",
            "select count(*) filter (where F) from t",
            "select array(select F from u)",
            "select F::int from t",
            "select a from t where a = F::int",
            "select sum(a) over w from t window w as (partition by F)",
            "select a from t order by a fetch first F rows only",
            "update t set a = 1 from u where u.b = F",
            "delete from t using u where u.b = F",
            "with d as (delete from t where a = F returning *) select * from d",
            "select * from unnest(array[F]) x",
            "select a from t group by rollup (a, F)",
            "select a from t where a = (values (F))",
            "select a from t where a = all (array[F])");

    private static final List<String> MYSQL_ONLY = List.of(
            "select a from t limit F",
            "insert into t values (1) on duplicate key update b = F",
            "insert into t set a = F",
            "replace into t values (F)",
            "update t join u on u.a = t.a set t.b = F",
            "delete t from t join u on u.a = t.a where u.b = F",
            "update t set a = 1 order by F limit 1",
            "select a from t where a regexp F",
            "select if(F, 1, 2) from t",
            "select a from t where a = F lock in share mode",
            "select sql_calc_found_rows a from t where F",
            "select a from t straight_join u on u.a = F",
            "select group_concat(F order by a separator ',') from t",
            "select a from t force index (i) where a = F");

    private static final String LONG_COMMENT = " /* " + "x".repeat(70 * 1024) + " */";

    static Stream<Arguments> positions() {
        List<Arguments> all = new ArrayList<>();
        for (Dialect d : Dialect.values()) {
            List<String> templates = new ArrayList<>(COMMON);
            templates.addAll(d == Dialect.POSTGRESQL ? POSTGRES_ONLY : MYSQL_ONLY);
            for (String template : templates) {
                String sql = template.replace("F", "f_user(a)");
                all.add(Arguments.of(d, "as written", sql));
                all.add(Arguments.of(d, "from tokens (long text)", sql + LONG_COMMENT));
                String rejected = withConstructCalciteRejects(d, sql);
                if (rejected != null) {
                    all.add(Arguments.of(d, "from tokens (rejected construct)", rejected));
                }
            }
        }
        return all.stream();
    }

    /** The query with a predicate Babel rejects added to its WHERE clause, or null when it has none. */
    private static String withConstructCalciteRejects(Dialect d, String sql) {
        int where = sql.lastIndexOf(" where ");
        if (where < 0 || !sql.startsWith("select")) {
            return null;
        }
        String predicate = d == Dialect.POSTGRESQL
                ? " exists (select 1 from unnest(array[1]) with ordinality) and"
                : " match (a) against ('x') >= 0 and";
        return sql.substring(0, where + 7) + predicate + sql.substring(where + 6);
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("positions")
    void reportsAUserFunctionWhereverItIsCalled(Dialect dialect, String path, String sql) {
        Classification c = (dialect == Dialect.POSTGRESQL ? POSTGRES : MYSQL).classify(sql);
        String shown = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
        assertThat(c.userFunctions()).as("%s -> %s", shown, c).contains("f_user");
        assertThat(c.unverifiedFunctions()).as("%s -> %s", shown, c).contains("f_user");
        assertThat(c.replicaEligible()).as(shown).isFalse();
        if (!path.equals("as written")) {
            assertThat(c.parsedByCalcite()).as(shown).isFalse();
        }
    }
}
