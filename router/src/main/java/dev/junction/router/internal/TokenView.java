package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one statement with the small queries the analysers need: keyword at an index,
 * matching parenthesis, identifier value, qualified names. Out-of-range indexes read as "nothing"
 * so that look-ahead code needs no bounds checks.
 */
final class TokenView {

    final List<SqlToken> tokens;
    final Dialect dialect;
    final int size;

    TokenView(List<SqlToken> tokens, Dialect dialect) {
        this.tokens = tokens;
        this.dialect = dialect;
        this.size = tokens.size();
    }

    TokenView slice(int from) {
        return new TokenView(tokens.subList(Math.min(from, size), size), dialect);
    }

    SqlToken get(int i) {
        return i >= 0 && i < size ? tokens.get(i) : null;
    }

    /** Upper-case keyword at {@code i}, or {@code null} when not a word. */
    String kw(int i) {
        return i >= 0 && i < size ? tokens.get(i).keyword : null;
    }

    boolean isKw(int i, String upperCase) {
        return upperCase.equals(kw(i));
    }

    boolean isKwAny(int i, String... upperCase) {
        String k = kw(i);
        if (k == null) {
            return false;
        }
        for (String u : upperCase) {
            if (u.equals(k)) {
                return true;
            }
        }
        return false;
    }

    boolean is(int i, TokenType type) {
        return i >= 0 && i < size && tokens.get(i).type == type;
    }

    boolean isMysql() {
        return dialect == Dialect.MYSQL;
    }

    /** Index of the {@code )} matching the {@code (} at {@code open}, or {@code size} when unmatched. */
    int matchingParen(int open) {
        int depth = tokens.get(open).depth;
        for (int j = open + 1; j < size; j++) {
            SqlToken t = tokens.get(j);
            if (t.type == TokenType.RIGHT_PAREN && t.depth == depth) {
                return j;
            }
        }
        return size;
    }

    /**
     * First index after {@code from} that leaves the parenthesis level of {@code from}: the closing
     * {@code )} of the enclosing group, or {@code size}.
     */
    int endOfLevel(int from) {
        int depth = tokens.get(from).depth;
        for (int j = from; j < size; j++) {
            SqlToken t = tokens.get(j);
            if (t.type == TokenType.RIGHT_PAREN && t.depth < depth) {
                return j;
            }
        }
        return size;
    }

    /** A name part: an unquoted word or a quoted identifier. */
    boolean isNamePart(int i) {
        return is(i, TokenType.WORD) || is(i, TokenType.QUOTED_IDENTIFIER);
    }

    /** The identifier at {@code i} as the server resolves it: PostgreSQL folds unquoted names to lower case. */
    String identifier(int i) {
        SqlToken t = tokens.get(i);
        if (t.type == TokenType.QUOTED_IDENTIFIER) {
            String q = t.text;
            char quote = q.charAt(0);
            String inner = q.length() >= 2 ? q.substring(1, q.length() - 1) : "";
            return inner.replace(String.valueOf(quote) + quote, String.valueOf(quote));
        }
        return dialect == Dialect.POSTGRESQL ? t.text.toLowerCase(Locale.ROOT) : t.text;
    }

    /** Lower-case identifier, for function names (MySQL function names ignore case). */
    String functionIdentifier(int i) {
        SqlToken t = tokens.get(i);
        if (t.type == TokenType.QUOTED_IDENTIFIER && dialect == Dialect.POSTGRESQL) {
            return identifier(i);
        }
        return identifier(i).toLowerCase(Locale.ROOT);
    }

    /** End index (exclusive) of the dotted name starting at {@code i}, or {@code i} when none. */
    int qualifiedNameEnd(int i) {
        if (!isNamePart(i)) {
            return i;
        }
        int j = i + 1;
        while (is(j, TokenType.DOT) && isNamePart(j + 1)) {
            j += 2;
        }
        return j;
    }

    /** The dotted name in {@code [from, to)} as {@code schema.table}. */
    String qualifiedName(int from, int to) {
        if (to == from + 1) {
            return identifier(from);
        }
        StringBuilder s = new StringBuilder();
        for (int j = from; j < to; j += 2) {
            if (j > from) {
                s.append('.');
            }
            s.append(identifier(j));
        }
        return s.toString();
    }

    /** The first index at or after {@code i} that is not a {@code (}. */
    int skipOpenParens(int i) {
        while (is(i, TokenType.LEFT_PAREN)) {
            i++;
        }
        return i;
    }

    /** The identifier at {@code i}, or the raw text of whatever token is there, or {@code null}. */
    String nameAt(int i) {
        if (isNamePart(i)) {
            return identifier(i);
        }
        SqlToken t = get(i);
        return t == null ? null : t.text;
    }

    /** Source text from token {@code from} to the end, or {@code null} when there is none. */
    String textFrom(int from) {
        return from < size ? text(from, size) : null;
    }

    /** Source text of tokens {@code [from, to)} joined by single spaces. */
    String text(int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int j = Math.max(0, from); j < Math.min(to, size); j++) {
            if (j > from && tokens.get(j).spaced) {
                s.append(' ');
            }
            s.append(tokens.get(j).text);
        }
        return s.toString();
    }
}
