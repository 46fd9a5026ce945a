package dev.junction.conflict;

import static dev.junction.conflict.SqlNames.isName;
import static dev.junction.conflict.SqlNames.part;

import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.TokenType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a {@link KeyRead} out of a SELECT's WHERE clause: equality on every primary key column, joined by AND. */
final class KeyReads {
    /** Words that end a WHERE clause at depth 0. */
    private static final Set<String> WHERE_ENDS = Set.of(
            "GROUP",
            "HAVING",
            "ORDER",
            "LIMIT",
            "FOR",
            "UNION",
            "EXCEPT",
            "INTERSECT",
            "WINDOW",
            "OFFSET",
            "FETCH",
            "LOCK",
            "INTO");

    private KeyReads() {}

    /**
     * @param where the first token of the condition
     * @param qualifier the name or alias the table is read under: a key column may be qualified by it
     * @return null unless every key column of {@code shape} is compared to one literal or parameter
     */
    static KeyRead of(String table, TableShape shape, List<SqlToken> tokens, int where, int end, String qualifier) {
        Map<String, KeyRead.Part> found = new LinkedHashMap<>();
        int conjunct = where;
        for (int i = where; i <= end; i++) {
            SqlToken token = i < end ? tokens.get(i) : null;
            String word = token == null || token.keyword() == null ? "" : token.keyword();
            boolean boundary = token == null
                    || token.type() == TokenType.SEMICOLON
                    || (token.depth() == 0 && (WHERE_ENDS.contains(word) || "AND".equals(word)));
            if (token != null && token.depth() == 0 && "OR".equals(word)) {
                return null; // a disjunction may read rows beyond the key
            }
            if (!boundary) {
                continue;
            }
            KeyRead.Part part = equality(tokens, conjunct, i, qualifier, parameterIndex(tokens, conjunct));
            if (part != null && shape.primaryKey().stream().anyMatch(k -> k.equalsIgnoreCase(part.column()))) {
                if (found.put(part.column().toLowerCase(Locale.ROOT), part) != null) {
                    return null; // the same key column twice: leave it to the server
                }
            }
            if (token == null || !"AND".equals(word)) {
                break;
            }
            conjunct = i + 1;
        }
        List<KeyRead.Part> key = new ArrayList<>();
        for (String column : shape.primaryKey()) {
            KeyRead.Part part = found.get(column.toLowerCase(Locale.ROOT));
            if (part == null) {
                return null;
            }
            key.add(new KeyRead.Part(column, part.literal(), part.parameter()));
        }
        return new KeyRead(table, key);
    }

    /** {@code [q.]column = value} or {@code value = [q.]column} in {@code tokens[from, to)}, else null. */
    private static KeyRead.Part equality(
            List<SqlToken> tokens, int from, int to, String qualifier, int parametersBefore) {
        int equals = -1;
        for (int i = from; i < to; i++) {
            if ("=".equals(tokens.get(i).text()) && tokens.get(i).type() == TokenType.OPERATOR) {
                equals = i;
                break;
            }
        }
        if (equals < 0) {
            return null;
        }
        String left = column(tokens, from, equals, qualifier);
        if (left != null && equals + 2 == to) {
            return value(left, tokens.get(equals + 1), parametersBefore + 1);
        }
        String right = column(tokens, equals + 1, to, qualifier);
        if (right != null && equals == from + 1) {
            return value(right, tokens.get(from), parametersBefore + 1);
        }
        return null;
    }

    private static String column(List<SqlToken> tokens, int from, int to, String qualifier) {
        if (to - from == 1 && isName(tokens.get(from))) {
            return part(tokens.get(from));
        }
        if (to - from == 3
                && isName(tokens.get(from))
                && tokens.get(from + 1).type() == TokenType.DOT
                && isName(tokens.get(from + 2))
                && part(tokens.get(from)).equalsIgnoreCase(unquote(qualifier))) {
            return part(tokens.get(from + 2));
        }
        return null;
    }

    private static KeyRead.Part value(String column, SqlToken token, int parameter) {
        return switch (token.type()) {
            case PARAMETER -> "?".equals(token.text()) ? new KeyRead.Part(column, null, parameter) : null;
            case NUMBER, STRING -> new KeyRead.Part(column, token.text(), 0);
            default -> null;
        };
    }

    private static int parameterIndex(List<SqlToken> tokens, int before) {
        int count = 0;
        for (int i = 0; i < before; i++) {
            if (tokens.get(i).type() == TokenType.PARAMETER) {
                count++;
            }
        }
        return count;
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '`')) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }
}
