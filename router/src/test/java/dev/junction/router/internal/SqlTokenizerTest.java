package dev.junction.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.Dialect;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlTokenizerTest {

    private static List<String> texts(String sql, Dialect d) {
        return SqlTokenizer.tokenize(sql, d).tokens().stream()
                .map(t -> t.type + ":" + t.text)
                .collect(Collectors.toList());
    }

    private static List<String> keywords(String sql, Dialect d) {
        return SqlTokenizer.tokenize(sql, d).tokens().stream()
                .filter(t -> t.keyword != null)
                .map(t -> t.keyword)
                .collect(Collectors.toList());
    }

    @Test
    void dropsCommentsAndKeepsTheirBodiesWhenLeading() {
        TokenizedSql t = SqlTokenizer.tokenize("/* a */ -- b\nselect /* c */ 1 -- d", Dialect.POSTGRESQL);
        assertThat(t.leadingComments()).containsExactly(" a ", " b");
        assertThat(keywords("/* a */ -- b\nselect /* for update */ 1 -- delete", Dialect.POSTGRESQL))
                .containsExactly("SELECT");
    }

    @Test
    void nestsBlockCommentsOnPostgresOnly() {
        assertThat(keywords("/* a /* b */ update */ select 1", Dialect.POSTGRESQL))
                .containsExactly("SELECT");
        // MySQL ends the comment at the first */, so "update */ select" is code there.
        assertThat(keywords("/* a /* b */ update */ select 1", Dialect.MYSQL)).containsExactly("UPDATE", "SELECT");
    }

    @Test
    void keepsKeywordsInsideStringsOutOfTheTokenStream() {
        assertThat(keywords("select 'for update', 'it''s' from t", Dialect.POSTGRESQL))
                .containsExactly("SELECT", "FROM", "T");
        assertThat(keywords("select 'it\\'s; delete' from t", Dialect.MYSQL)).containsExactly("SELECT", "FROM", "T");
        assertThat(keywords("select e'it\\'s for update' from t", Dialect.POSTGRESQL))
                .containsExactly("SELECT", "FROM", "T");
    }

    @Test
    void readsDollarQuotedBodiesAsOneString() {
        assertThat(texts("select $$ delete $$, $fn$ a $$ b $fn$", Dialect.POSTGRESQL))
                .containsExactly("WORD:select", "STRING:$$ delete $$", "COMMA:,", "STRING:$fn$ a $$ b $fn$");
    }

    @Test
    void readsDollarNumbersAsParameters() {
        assertThat(texts("select $1, $23", Dialect.POSTGRESQL))
                .containsExactly("WORD:select", "PARAMETER:$1", "COMMA:,", "PARAMETER:$23");
    }

    @Test
    void readsQuotedIdentifiersPerDialect() {
        assertThat(texts("select \"for\" from `t`", Dialect.POSTGRESQL)).contains("QUOTED_IDENTIFIER:\"for\"");
        assertThat(texts("select \"for\" from `t`", Dialect.MYSQL)).contains("STRING:\"for\"", "QUOTED_IDENTIFIER:`t`");
    }

    @Test
    void treatsHashAsACommentOnMysqlAndAnOperatorOnPostgres() {
        assertThat(keywords("select 1 # for update", Dialect.MYSQL)).containsExactly("SELECT");
        assertThat(texts("select a #> b", Dialect.POSTGRESQL)).contains("OPERATOR:#>");
    }

    @Test
    void requiresWhitespaceAfterDoubleDashOnMysql() {
        assertThat(keywords("select 1 --1 for update", Dialect.MYSQL)).containsExactly("SELECT", "FOR", "UPDATE");
        assertThat(keywords("select 1 -- for update", Dialect.MYSQL)).containsExactly("SELECT");
    }

    @Test
    void tokenizesMysqlExecutableCommentsAsCode() {
        assertThat(keywords("select * from t /*!40000 for update */", Dialect.MYSQL))
                .containsExactly("SELECT", "FROM", "T", "FOR", "UPDATE");
        assertThat(keywords("select 1 /*M!100100 for share */", Dialect.MYSQL))
                .containsExactly("SELECT", "FOR", "SHARE");
        assertThat(keywords("select 1 /*+ no_index(t) */", Dialect.MYSQL)).containsExactly("SELECT");
    }

    @Test
    void marksTheTokensOfGatedExecutableComments() {
        TokenizedSql t =
                SqlTokenizer.tokenize("select /*!50001 a */ /*M! b */ /*M!100500 c */ /*! d */ e", Dialect.MYSQL);
        assertThat(t.gatedComments()).isEqualTo(3);
        assertThat(t.tokens().stream().map(x -> x.text + x.gate).collect(Collectors.toList()))
                .containsExactly("select0", "a1", "b2", "c3", "d0", "e0");
        assertThat(SqlTokenizer.tokenize("select /*!50001 a */", Dialect.POSTGRESQL)
                        .gatedComments())
                .isZero();
    }

    @Test
    void refusesExecutableCommentsThatServersWouldEndAtDifferentPlaces() {
        for (String sql : List.of(
                "select /*!99999 '*/' */",
                "select /*! `*/` */",
                "select /*!99999 @'*/' */",
                "select /*M! # */\n */",
                "select /*! /* x */ */",
                "select /*!50001 ( */ 1)",
                "select (1 /*!50001 ) */")) {
            assertThat(SqlTokenizer.tokenize(sql, Dialect.MYSQL).malformed())
                    .as(sql)
                    .isTrue();
        }
        assertThat(SqlTokenizer.tokenize("select /*!50001 (1), '*' */ 2", Dialect.MYSQL)
                        .malformed())
                .isFalse();
    }

    @Test
    void refusesExecutableCommentVersionsOfAmbiguousLength() {
        for (String sql : List.of(
                "select /*!1abs(2)*/", "select /*!5000 1 */", "select /*!100500 1 */", "select /*M!1234567 1 */")) {
            assertThat(SqlTokenizer.tokenize(sql, Dialect.MYSQL).malformed())
                    .as(sql)
                    .isTrue();
        }
        for (String sql :
                List.of("select /*!50001 1 */", "select /*M!100500 1 */", "select /*M!10050 1 */", "select /*! 1 */")) {
            assertThat(SqlTokenizer.tokenize(sql, Dialect.MYSQL).malformed())
                    .as(sql)
                    .isFalse();
        }
    }

    @Test
    void readsMysqlNamesThatBeginWithDigits() {
        assertThat(texts("select 1abs(2), 1e5, 0x1f, 12, 1.5 from 9t", Dialect.MYSQL))
                .containsExactly(
                        "WORD:select",
                        "WORD:1abs",
                        "LEFT_PAREN:(",
                        "NUMBER:2",
                        "RIGHT_PAREN:)",
                        "COMMA:,",
                        "NUMBER:1e5",
                        "COMMA:,",
                        "NUMBER:0x1f",
                        "COMMA:,",
                        "NUMBER:12",
                        "COMMA:,",
                        "NUMBER:1.5",
                        "WORD:from",
                        "WORD:9t");
    }

    @Test
    void readsNoHintsInsideExecutableComments() {
        assertThat(SqlTokenizer.tokenize("/*! -- junction:replica\n select 1 */", Dialect.MYSQL)
                        .leadingComments())
                .isEmpty();
    }

    @Test
    void flagsAnythingUnterminatedAsMalformed() {
        for (String sql : List.of("select 'x", "select \"x", "select /* x", "select $$ x", "select (1", "select 1)")) {
            assertThat(SqlTokenizer.tokenize(sql, Dialect.POSTGRESQL).malformed())
                    .as(sql)
                    .isTrue();
        }
        for (String sql : List.of("select 'x\\'", "select `x", "select /*! for update", "select \"x")) {
            assertThat(SqlTokenizer.tokenize(sql, Dialect.MYSQL).malformed())
                    .as(sql)
                    .isTrue();
        }
        assertThat(SqlTokenizer.tokenize("select 'x'", Dialect.POSTGRESQL).malformed())
                .isFalse();
    }

    @Test
    void readsPgJdbcEscapedQuestionMarkOperators() {
        assertThat(texts("select a ?? 'k', b ??| c, d @?? e, f = ?", Dialect.POSTGRESQL))
                .contains("OPERATOR:??", "OPERATOR:??|", "OPERATOR:@??", "PARAMETER:?");
    }

    @Test
    void readsMysqlVariablesAndOperators() {
        assertThat(texts("select @a, @@session.sql_mode, x <=> y, j->>'$.a', @a := 1", Dialect.MYSQL))
                .contains("VARIABLE:@a", "VARIABLE:@@session.sql_mode", "OPERATOR:<=>", "OPERATOR:->>", "OPERATOR::=");
    }

    @Test
    void readsPrefixedStringLiteralsAsStrings() {
        assertThat(texts("select x'ff', b'01', n'x', _utf8mb4'y'", Dialect.MYSQL))
                .filteredOn(s -> s.startsWith("STRING"))
                .hasSize(4);
        assertThat(texts("select U&'d\\0061', E'\\n'", Dialect.POSTGRESQL))
                .filteredOn(s -> s.startsWith("STRING"))
                .hasSize(2);
    }

    @Test
    void splitsPostgresOperatorsTheWayTheServerDoes() {
        assertThat(texts("a=-1", Dialect.POSTGRESQL)).containsExactly("WORD:a", "OPERATOR:=", "OPERATOR:-", "NUMBER:1");
        assertThat(texts("a::int", Dialect.POSTGRESQL)).containsExactly("WORD:a", "OPERATOR:" + "::", "WORD:int");
    }

    @Test
    void recordsParenthesisDepth() {
        List<SqlToken> t =
                SqlTokenizer.tokenize("a (b (c) d) e", Dialect.POSTGRESQL).tokens();
        assertThat(t.stream().map(x -> x.depth).collect(Collectors.toList()))
                .containsExactly(0, 0, 1, 1, 2, 1, 1, 0, 0);
    }
}
