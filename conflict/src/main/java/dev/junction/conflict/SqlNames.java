package dev.junction.conflict;

import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.TokenType;
import java.util.List;
import java.util.Locale;

/** Reading names out of the router's tokens, as every rewrite of this package does. */
final class SqlNames {
    private SqlNames() {}

    /** The upper-cased word, or "" for a token that is not one. */
    static String keyword(SqlToken token) {
        return token.keyword() == null ? "" : token.keyword();
    }

    /** A word or a quoted identifier: something that may name a table or a column. */
    static boolean isName(SqlToken token) {
        return token.type() == TokenType.WORD || token.type() == TokenType.QUOTED_IDENTIFIER;
    }

    /** A name part without its quotes, lower-cased (matching is case-insensitive, quoted or not). */
    static String part(SqlToken token) {
        String text = token.text();
        if (token.type() == TokenType.QUOTED_IDENTIFIER && text.length() >= 2) {
            text = text.substring(1, text.length() - 1);
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** The index after the dotted name that starts at {@code i}; {@code i} when there is none. */
    static int skipName(List<SqlToken> tokens, int i, int end) {
        if (i >= end || !isName(tokens.get(i))) {
            return i;
        }
        i++;
        while (i + 1 < end && tokens.get(i).type() == TokenType.DOT && isName(tokens.get(i + 1))) {
            i += 2;
        }
        return i;
    }
}
