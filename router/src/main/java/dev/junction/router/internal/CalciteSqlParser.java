package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.io.StringReader;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.parser.babel.TokenMgrError;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Calcite Babel parsing with one immutable configuration per dialect.
 *
 * <p>The parser is set up the way {@link SqlParser} sets it up, but through {@link
 * FailFastBabelParser}, so that a rejected statement costs about as much as an accepted one.
 */
final class CalciteSqlParser {

    private static final SqlParser.Config POSTGRESQL = SqlParser.config()
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withConformance(SqlConformanceEnum.BABEL);

    private static final SqlParser.Config MYSQL = SqlParser.config()
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withLex(Lex.MYSQL)
            .withConformance(SqlConformanceEnum.BABEL);

    private CalciteSqlParser() {}

    /** The parse tree, or {@code null} when Calcite rejects the text. */
    static SqlNode parse(String sql, Dialect dialect) {
        SqlParser.Config config = dialect == Dialect.MYSQL ? MYSQL : POSTGRESQL;
        SqlAbstractParserImpl parser = new FailFastBabelParser(new StringReader(sql));
        parser.setTabSize(1);
        parser.setQuotedCasing(config.quotedCasing());
        parser.setUnquotedCasing(config.unquotedCasing());
        parser.setIdentifierMaxLength(config.identifierMaxLength());
        parser.setConformance(config.conformance());
        parser.switchTo(SqlAbstractParserImpl.LexicalState.forConfig(config));
        try {
            return parser.parseSqlStmtEof();
        } catch (Exception | TokenMgrError | AssertionError | StackOverflowError e) {
            // Babel reports rejection through checked and unchecked exceptions, lexical errors as
            // TokenMgrError, internal checks as AssertionError, and deeply nested input can exhaust the
            // stack: all of them mean "not parsed", never "crash".
            return null;
        }
    }
}
